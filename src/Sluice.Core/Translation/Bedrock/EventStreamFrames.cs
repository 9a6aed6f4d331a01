using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// Decodes the AWS event stream (<c>application/vnd.amazon.eventstream</c>: length-prefixed binary frames with a
/// prelude CRC and a message CRC) with the AWS SDK's own decoder, which keeps partial frames between reads and
/// verifies both checksums. A corrupt frame is reported once; the stream cannot continue after it.
/// </summary>
internal sealed class EventStreamFrames : IDisposable
{
    private readonly EventStreamDecoder _decoder = new();
    private readonly List<EventStreamMessage> _received = new(4);

    public EventStreamFrames()
    {
        _decoder.MessageReceived += (_, e) => _received.Add((EventStreamMessage)e.Message);
    }

    /// <summary>
    /// Feeds one read and returns the whole frames it completed (valid until the next call); <paramref name="error"/>
    /// is set when the bytes after them are not a valid event stream. The SDK decoder mishandles a non-zero offset (measured with AWSSDK.Core
    /// 4.0.102), so reads always start at index 0 of <paramref name="buffer"/>.
    /// </summary>
    public List<EventStreamMessage> Feed(byte[] buffer, int count, out string? error)
    {
        _received.Clear();
        error = null;
        try
        {
            _decoder.ProcessData(buffer, 0, count);
            return _received;
        }
        catch (Exception ex) when (ex is EventStreamChecksumFailureException or EventStreamParseException or EventStreamDecoderIllegalStateException or EventStreamValidationException or ArgumentException)
        {
            error = ex.Message;
            return _received;
        }
    }

    public void Dispose() => _decoder.Dispose();

    /// <summary>A string header such as <c>:event-type</c>, <c>:message-type</c> or <c>:exception-type</c>.</summary>
    public static string? Header(EventStreamMessage message, string name) =>
        message.Headers.TryGetValue(name, out var header) && header.HeaderType == EventStreamHeaderType.String ? header.AsString() : null;
}
