using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;

namespace Sluice.Simulator.TestSupport;

/// <summary>One decoded AWS event-stream frame: its string headers and JSON payload.</summary>
internal sealed record EventFrame(string? EventType, string? ContentType, string? MessageType, JsonElement Payload);

/// <summary>Decodes a whole AWS event stream with the AWS SDK's decoder, which verifies both CRCs of every frame.</summary>
internal static class EventStreamReader
{
    public static List<EventFrame> Decode(byte[] stream)
    {
        var frames = new List<EventFrame>();
        using var decoder = new EventStreamDecoder();
        decoder.MessageReceived += (_, e) =>
        {
            var message = (EventStreamMessage)e.Message;
            frames.Add(new EventFrame(
                Header(message, ":event-type"),
                Header(message, ":content-type"),
                Header(message, ":message-type"),
                SimulatorHttp.Parse(System.Text.Encoding.UTF8.GetString(message.Payload))));
        };
        decoder.ProcessData(stream, 0, stream.Length);
        return frames;
    }

    private static string? Header(EventStreamMessage message, string name) =>
        message.Headers.TryGetValue(name, out IEventStreamHeader? header) ? header.AsString() : null;
}
