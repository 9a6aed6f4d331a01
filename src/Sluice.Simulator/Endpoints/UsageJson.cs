using System.Text.Json;

namespace Sluice.Simulator.Endpoints;

/// <summary>Writes the <c>usage</c> object in each endpoint's shape.</summary>
internal static class UsageJson
{
    /// <summary>Chat: totals plus the detail objects, all details zero.</summary>
    public static void WriteChat(Utf8JsonWriter writer, int promptTokens, int completionTokens)
    {
        writer.WriteStartObject(JsonNames.Usage);
        writer.WriteNumber(JsonNames.PromptTokens, promptTokens);
        writer.WriteNumber(JsonNames.CompletionTokens, completionTokens);
        writer.WriteNumber(JsonNames.TotalTokens, (long)promptTokens + completionTokens);
        writer.WriteStartObject(JsonNames.PromptTokensDetails);
        writer.WriteNumber(JsonNames.CachedTokens, 0);
        writer.WriteNumber(JsonNames.AudioTokens, 0);
        writer.WriteEndObject();
        writer.WriteStartObject(JsonNames.CompletionTokensDetails);
        writer.WriteNumber(JsonNames.ReasoningTokens, 0);
        writer.WriteNumber(JsonNames.AudioTokens, 0);
        writer.WriteNumber(JsonNames.AcceptedPredictionTokens, 0);
        writer.WriteNumber(JsonNames.RejectedPredictionTokens, 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Legacy completions: just the three totals, as api.openai.com sends them.</summary>
    public static void WriteCompletion(Utf8JsonWriter writer, int promptTokens, int completionTokens)
    {
        writer.WriteStartObject(JsonNames.Usage);
        writer.WriteNumber(JsonNames.PromptTokens, promptTokens);
        writer.WriteNumber(JsonNames.CompletionTokens, completionTokens);
        writer.WriteNumber(JsonNames.TotalTokens, (long)promptTokens + completionTokens);
        writer.WriteEndObject();
    }

    public static void WriteEmbedding(Utf8JsonWriter writer, int promptTokens)
    {
        writer.WriteStartObject(JsonNames.Usage);
        writer.WriteNumber(JsonNames.PromptTokens, promptTokens);
        writer.WriteNumber(JsonNames.TotalTokens, promptTokens);
        writer.WriteEndObject();
    }
}
