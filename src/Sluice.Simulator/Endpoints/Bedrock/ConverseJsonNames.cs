using System.Text.Json;
using Sluice.Simulator.Generation;

namespace Sluice.Simulator.Endpoints.Bedrock;

/// <summary>Pre-encoded Bedrock Converse property names and constant values.</summary>
internal static class ConverseJsonNames
{
    public static readonly JsonEncodedText Output = JsonEncodedText.Encode("output");
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    public static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    public static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    public static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    public static readonly JsonEncodedText StopReason = JsonEncodedText.Encode("stopReason");
    public static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage");
    public static readonly JsonEncodedText InputTokens = JsonEncodedText.Encode("inputTokens");
    public static readonly JsonEncodedText OutputTokens = JsonEncodedText.Encode("outputTokens");
    public static readonly JsonEncodedText TotalTokens = JsonEncodedText.Encode("totalTokens");
    public static readonly JsonEncodedText Metrics = JsonEncodedText.Encode("metrics");
    public static readonly JsonEncodedText LatencyMs = JsonEncodedText.Encode("latencyMs");
    public static readonly JsonEncodedText ContentBlockIndex = JsonEncodedText.Encode("contentBlockIndex");
    public static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");

    public static readonly JsonEncodedText Assistant = JsonEncodedText.Encode("assistant");
    public static readonly JsonEncodedText EndTurn = JsonEncodedText.Encode("end_turn");
    public static readonly JsonEncodedText MaxTokens = JsonEncodedText.Encode("max_tokens");

    /// <summary>Bedrock's stopReason for an answer: cut short by maxTokens, or finished.</summary>
    public static JsonEncodedText StopReasonFor(CompletionPlan plan) => plan.Truncated ? MaxTokens : EndTurn;

    /// <summary><c>"usage":{inputTokens, outputTokens, totalTokens}</c> and <c>"metrics":{latencyMs}</c>.</summary>
    public static void WriteUsageAndMetrics(Utf8JsonWriter writer, int inputTokens, int outputTokens, long latencyMs)
    {
        writer.WriteStartObject(Usage);
        writer.WriteNumber(InputTokens, inputTokens);
        writer.WriteNumber(OutputTokens, outputTokens);
        writer.WriteNumber(TotalTokens, (long)inputTokens + outputTokens);
        writer.WriteEndObject();
        writer.WriteStartObject(Metrics);
        writer.WriteNumber(LatencyMs, latencyMs);
        writer.WriteEndObject();
    }
}
