using System.Buffers;
using System.Text.Json;
using Sluice.Translation.Chat;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// What every Bedrock streamed answer shares: AWS event-stream frames decoded as they arrive, modeled exceptions
/// and corrupt or unreadable frames ending the client's stream with an SSE error event, and <c>[DONE]</c> only
/// after the message finished. Subclasses translate one event's JSON payload.
/// </summary>
internal abstract class EventStreamResponseTranslator : ResponseTranslator
{
    private EventStreamFrames? _frames;

    public override string? StreamContentType => "application/vnd.amazon.eventstream";

    /// <summary>Set by the subclass once the message's last event arrived.</summary>
    protected bool Stopped { get; set; }

    public override bool TranslateStream(byte[] buffer, int count, IBufferWriter<byte> output)
    {
        _frames ??= new EventStreamFrames();
        var frames = _frames.Feed(buffer, count, out var error);
        foreach (var frame in frames)
        {
            var messageType = EventStreamFrames.Header(frame, ":message-type");
            if (messageType is "exception" or "error")
            {
                var type = EventStreamFrames.Header(frame, ":exception-type") ?? EventStreamFrames.Header(frame, ":error-code") ?? "BedrockError";
                var message = EventStreamFrames.Header(frame, ":error-message") ?? BedrockErrors.MessageOf(frame.Payload) ?? type;
                ChatChunkWriter.Error(output, message, type, type);
                return false;
            }

            try
            {
                TranslateEvent(EventStreamFrames.Header(frame, ":event-type"), frame.Payload, output);
            }
            catch (ProviderStreamError ex)
            {
                ChatChunkWriter.Error(output, ex.Message, ex.Type, ex.Type);
                return false;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                ChatChunkWriter.Error(output, $"AWS Bedrock sent an event Sluice cannot read ({EventStreamFrames.Header(frame, ":event-type")}): {ex.Message}", "upstream_error", "upstream_stream_corrupt");
                return false;
            }
        }

        if (error is not null)
        {
            ChatChunkWriter.Error(output, $"the AWS event stream from Bedrock is corrupt: {error}", "upstream_error", "upstream_stream_corrupt");
            return false;
        }

        return true;
    }

    public override bool CompleteStream(IBufferWriter<byte> output)
    {
        if (Stopped)
        {
            ChatChunkWriter.Done(output);
            return true;
        }

        ChatChunkWriter.Error(output, "AWS Bedrock closed the stream before the message ended", "upstream_error", "upstream_interrupted");
        return false;
    }

    public override void TranslateError(int status, string? errorType, ReadOnlySpan<byte> body, IBufferWriter<byte> output) =>
        BedrockErrors.Write(status, errorType, body, output);

    public override void Dispose() => _frames?.Dispose();

    /// <summary>Translates one event (its <c>:event-type</c> and JSON payload) into zero or more SSE chunks.</summary>
    protected abstract void TranslateEvent(string? eventType, byte[] payload, IBufferWriter<byte> output);
}

/// <summary>An error the provider reported inside an event (not as an exception frame); ends the stream with it.</summary>
internal sealed class ProviderStreamError(string type, string message) : Exception(message)
{
    public string Type { get; } = type;
}
