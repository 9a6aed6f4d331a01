using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Sluice.Simulator.Buffers;
using Sluice.Simulator.Generation;

namespace Sluice.Simulator.Endpoints.Bedrock;

/// <summary>
/// ConverseStream's frames, encoded by the AWS SDK's own event-stream encoder (<see cref="EventStreamMessage"/>:
/// prelude, string headers <c>:event-type</c>, <c>:content-type</c> and <c>:message-type</c>, JSON payload, both
/// CRCs). Every frame that does not depend on the request is encoded once per process, including one
/// <c>contentBlockDelta</c> per vocabulary piece, so a stream's tokens cost no encoding at all; only the closing
/// <c>metadata</c> frame (usage and latency) is encoded per stream.
/// </summary>
internal static class ConverseStreamFrames
{
    public const string ContentType = "application/vnd.amazon.eventstream";

    private static readonly byte[][] s_deltas = BuildDeltas();

    /// <summary><c>messageStart</c>: <c>{"role":"assistant"}</c>.</summary>
    public static readonly byte[] MessageStart = Encode("messageStart", writer =>
    {
        writer.WriteStartObject();
        writer.WriteString(ConverseJsonNames.Role, ConverseJsonNames.Assistant);
        writer.WriteEndObject();
    });

    /// <summary><c>contentBlockStop</c> of the one text block: <c>{"contentBlockIndex":0}</c>.</summary>
    public static readonly byte[] ContentBlockStop = Encode("contentBlockStop", writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber(ConverseJsonNames.ContentBlockIndex, 0);
        writer.WriteEndObject();
    });

    private static readonly byte[] s_messageStopEndTurn = EncodeMessageStop(ConverseJsonNames.EndTurn);
    private static readonly byte[] s_messageStopMaxTokens = EncodeMessageStop(ConverseJsonNames.MaxTokens);

    /// <summary><c>contentBlockDelta</c> carrying one piece: <c>{"contentBlockIndex":0,"delta":{"text":" word"}}</c>.</summary>
    public static ReadOnlyMemory<byte> Delta(int piece) => s_deltas[piece];

    /// <summary><c>messageStop</c> with <c>stopReason</c> <c>max_tokens</c> or <c>end_turn</c>.</summary>
    public static ReadOnlyMemory<byte> MessageStop(CompletionPlan plan) =>
        plan.Truncated ? s_messageStopMaxTokens : s_messageStopEndTurn;

    /// <summary><c>metadata</c>: <c>{"usage":{...},"metrics":{"latencyMs":n}}</c>.</summary>
    public static byte[] Metadata(int inputTokens, int outputTokens, long latencyMs) => Encode("metadata", writer =>
    {
        writer.WriteStartObject();
        ConverseJsonNames.WriteUsageAndMetrics(writer, inputTokens, outputTokens, latencyMs);
        writer.WriteEndObject();
    });

    private static byte[] EncodeMessageStop(JsonEncodedText stopReason) => Encode("messageStop", writer =>
    {
        writer.WriteStartObject();
        writer.WriteString(ConverseJsonNames.StopReason, stopReason);
        writer.WriteEndObject();
    });

    private static byte[][] BuildDeltas()
    {
        var deltas = new byte[Vocabulary.Count][];
        for (int piece = 0; piece < deltas.Length; piece++)
        {
            JsonEncodedText text = Vocabulary.Json(piece);
            deltas[piece] = Encode("contentBlockDelta", writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber(ConverseJsonNames.ContentBlockIndex, 0);
                writer.WriteStartObject(ConverseJsonNames.Delta);
                writer.WriteString(ConverseJsonNames.Text, text);
                writer.WriteEndObject();
                writer.WriteEndObject();
            });
        }

        return deltas;
    }

    private static byte[] Encode(string eventType, Action<Utf8JsonWriter> writePayload)
    {
        using var payload = new PooledBufferWriter(256);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writePayload(writer);
        }

        List<IEventStreamHeader> headers =
        [
            StringHeader(":event-type", eventType),
            StringHeader(":content-type", "application/json"),
            StringHeader(":message-type", "event"),
        ];
        return new EventStreamMessage(headers, payload.WrittenSpan.ToArray()).ToByteArray();
    }

    private static EventStreamHeader StringHeader(string name, string value)
    {
        var header = new EventStreamHeader(name);
        header.SetString(value);
        return header;
    }
}
