using System.Text;
using System.Text.Json;

namespace Sluice.Infrastructure;

/// <summary>What a chat answer said and counted, from a chat.completion or from its SSE stream, to compare two paths.</summary>
internal sealed record ChatAnswer(string Content, string? FinishReason, int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static ChatAnswer FromCompletion(string json)
    {
        using var document = JsonDocument.Parse(json);
        var choice = document.RootElement.GetProperty("choices")[0];
        var usage = document.RootElement.GetProperty("usage");
        return new ChatAnswer(
            choice.GetProperty("message").GetProperty("content").GetString()!,
            choice.GetProperty("finish_reason").GetString(),
            usage.GetProperty("prompt_tokens").GetInt32(),
            usage.GetProperty("completion_tokens").GetInt32(),
            usage.GetProperty("total_tokens").GetInt32());
    }

    /// <summary>An SSE body of chat.completion.chunk events ending in [DONE], with a usage chunk.</summary>
    public static ChatAnswer FromStream(string sse)
    {
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(static e => e.Trim())
            .Where(static e => e.StartsWith("data: ", StringComparison.Ordinal))
            .Select(static e => e["data: ".Length..])
            .ToList();
        Assert.Equal("[DONE]", events[^1]);
        var content = new StringBuilder();
        string? finishReason = null;
        JsonElement? usage = null;
        foreach (var data in events[..^1])
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.TryGetProperty("usage", out var chunkUsage) && chunkUsage.ValueKind == JsonValueKind.Object)
            {
                usage = chunkUsage.Clone();
            }

            foreach (var choice in root.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("content", out var piece) && piece.ValueKind == JsonValueKind.String)
                {
                    content.Append(piece.GetString());
                }

                if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
                {
                    finishReason = finish.GetString();
                }
            }
        }

        Assert.NotNull(usage);
        return new ChatAnswer(
            content.ToString(),
            finishReason,
            usage.Value.GetProperty("prompt_tokens").GetInt32(),
            usage.Value.GetProperty("completion_tokens").GetInt32(),
            usage.Value.GetProperty("total_tokens").GetInt32());
    }
}
