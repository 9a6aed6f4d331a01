using System.Text.Json;
using Sluice.Json;
using Sluice.Model;
using Sluice.Usage;

namespace Sluice.RateLimiting;

/// <summary>
/// What a request may cost before it runs, for admission reservations: the prompt counted with the o200k tokenizer
/// and the output bounded by the request's max_completion_tokens / max_tokens / max_output_tokens (else a default).
/// Each token type is bounded from above (cached and cache-creation input by the whole input, reasoning by the
/// output), so an actual cost within the estimate keeps the overshoot within one reservation.
/// </summary>
internal readonly record struct ReservationEstimate(long InputTokens, long OutputTokens)
{
    public static ReservationEstimate For(ReadOnlySpan<byte> requestBody, int defaultOutputTokens) =>
        new(UsageEstimator.PromptTokens(requestBody), MaxOutputTokens(requestBody) ?? defaultOutputTokens);

    public long Of(LlmCostType type) => type switch
    {
        LlmCostType.InputToken or LlmCostType.CachedInputToken or LlmCostType.CacheCreationInputToken => InputTokens,
        LlmCostType.OutputToken or LlmCostType.ReasoningToken => OutputTokens,
        _ => InputTokens + OutputTokens,
    };

    /// <summary>The top-level output bound of a chat, completions or responses request, if it sets one.</summary>
    public static long? MaxOutputTokens(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        long? found = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
                    {
                        reader.Skip();
                    }

                    continue;
                }

                var isBound = JsonStrings.TextEquals(ref reader, "max_completion_tokens"u8) || JsonStrings.TextEquals(ref reader, "max_tokens"u8) || JsonStrings.TextEquals(ref reader, "max_output_tokens"u8);
                reader.Read();
                if (isBound && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0)
                {
                    found = found is null ? value : Math.Min(found.Value, value);
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // the body was valid JSON when routed; keep what was found
        }

        return found;
    }
}
