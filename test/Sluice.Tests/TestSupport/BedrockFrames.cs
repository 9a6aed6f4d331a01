using System.Text;
using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Sluice.Forwarding;
using Sluice.Translation;

namespace Sluice.TestSupport;

/// <summary>AWS event-stream frames as Bedrock sends them (encoded by the AWS SDK), and a stream translator driven one frame per read.</summary>
internal static class BedrockFrames
{
    /// <summary>A ConverseStream event: <c>:event-type</c>, <c>:content-type</c> and <c>:message-type: event</c>.</summary>
    public static byte[] Event(string eventType, string json) =>
        Frame([(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")], json);

    /// <summary>A frame with string headers only, e.g. an exception or error frame.</summary>
    public static byte[] Frame(IEnumerable<(string Name, string Value)> headers, string payload) =>
        Frame(headers.Select(static h => (IEventStreamHeader)StringHeader(h.Name, h.Value)), payload);

    /// <summary>A frame with any headers (every value type the SDK writes).</summary>
    public static byte[] Frame(IEnumerable<IEventStreamHeader> headers, string payload) =>
        new EventStreamMessage([.. headers], Encoding.UTF8.GetBytes(payload)).ToByteArray();

    public static EventStreamHeader StringHeader(string name, string value)
    {
        var header = new EventStreamHeader(name);
        header.SetString(value);
        return header;
    }

    /// <summary>An InvokeModelWithResponseStream <c>chunk</c> frame holding one Anthropic event in base64.</summary>
    public static byte[] Chunk(string anthropicEvent) =>
        Event("chunk", JsonSerializer.Serialize(new { bytes = Convert.ToBase64String(Encoding.UTF8.GetBytes(anthropicEvent)) }));

    /// <summary>Feeds each frame as one read, then ends the stream; returns the SSE text and whether the message finished.</summary>
    public static (string Sse, bool Finished) Translate(ResponseTranslator translator, params byte[][] frames)
    {
        using var output = new PooledBufferWriter();
        foreach (var frame in frames)
        {
            if (!translator.TranslateStream(frame, frame.Length, output))
            {
                return (Encoding.UTF8.GetString(output.WrittenSpan), false);
            }
        }

        var finished = translator.CompleteStream(output);
        return (Encoding.UTF8.GetString(output.WrittenSpan), finished);
    }
}
