using System.Text.Json;
using Sluice.Usage;

namespace Sluice.Translation.Chat;

/// <summary>Writes a <see cref="TokenUsage"/> as OpenAI's <c>usage</c> object, cache and reasoning details included.</summary>
internal static class ChatUsageJson
{
    public static void Write(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", usage.Input);
        writer.WriteNumber("completion_tokens", usage.Output);
        writer.WriteNumber("total_tokens", usage.Total);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", usage.CachedInput);
        writer.WriteNumber("cache_creation_tokens", usage.CacheCreationInput);
        writer.WriteEndObject();
        if (usage.Reasoning > 0)
        {
            writer.WriteStartObject("completion_tokens_details");
            writer.WriteNumber("reasoning_tokens", usage.Reasoning);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Bedrock's numbers: the prompt is the uncached input plus cache reads and writes.</summary>
    public static TokenUsage FromProvider(long input, long cacheRead, long cacheWrite, long output)
    {
        var prompt = input + cacheRead + cacheWrite;
        return new TokenUsage(prompt, cacheRead, cacheWrite, output, 0, prompt + output);
    }

    /// <summary>
    /// A provider's usage object, given the names of its input, cache read, cache write and output counts (an absent
    /// object or count is zero); null when it is not an object of whole numbers.
    /// </summary>
    public static TokenUsage? FromProvider(JsonElement usage, string input, string cacheRead, string cacheWrite, string output)
    {
        if (ChatMessageParts.IsMissing(usage))
        {
            return FromProvider(0, 0, 0, 0);
        }

        return usage.ValueKind == JsonValueKind.Object
            && ProviderFields.TryGetCount(usage, input, out var inputTokens)
            && ProviderFields.TryGetCount(usage, cacheRead, out var cacheReadTokens)
            && ProviderFields.TryGetCount(usage, cacheWrite, out var cacheWriteTokens)
            && ProviderFields.TryGetCount(usage, output, out var outputTokens)
                ? FromProvider(inputTokens, cacheReadTokens, cacheWriteTokens, outputTokens)
                : null;
    }

    /// <summary>The same usage with a later output count (Anthropic streams it after the input).</summary>
    public static TokenUsage WithOutput(TokenUsage usage, long output) => usage with { Output = output, Total = usage.Input + output };
}
