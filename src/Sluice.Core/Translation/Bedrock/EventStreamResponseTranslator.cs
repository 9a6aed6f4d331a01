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
        var read = new ReadOnlySpan<byte>(buffer, 0, count);
        string? error;
        while (_frames.TryReadFrame(ref read, out var frame, out error))
        {
            if (!TranslateFrame(frame, output))
            {
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

    /// <summary>
    /// Translates one event into zero or more SSE chunks: its <c>:event-type</c> (UTF-8, empty when the frame has
    /// none) and its JSON payload, both valid only during the call.
    /// </summary>
    protected abstract void TranslateEvent(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> payload, IBufferWriter<byte> output);

    /// <summary>
    /// Parses a payload as exactly one JSON value, as <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>
    /// does (trailing bytes other than whitespace are a <see cref="JsonException"/>); the document holds a pooled copy.
    /// </summary>
    protected static JsonDocument ParseJson(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        var document = JsonDocument.ParseValue(ref reader);
        try
        {
            // Throws when something other than whitespace follows the value.
            reader.Read();
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>A modeled exception or an error frame ends the stream with its type and message; an event is translated.</summary>
    private bool TranslateFrame(EventStreamFrame frame, IBufferWriter<byte> output)
    {
        frame.TryGetString(":message-type"u8, out var messageType);
        if (messageType.SequenceEqual("exception"u8) || messageType.SequenceEqual("error"u8))
        {
            var type = frame.StringHeader(":exception-type"u8) ?? frame.StringHeader(":error-code"u8) ?? "BedrockError";
            var message = frame.StringHeader(":error-message"u8) ?? BedrockErrors.MessageOf(frame.Payload) ?? type;
            ChatChunkWriter.Error(output, message, type, type);
            return false;
        }

        frame.TryGetString(":event-type"u8, out var eventType);
        try
        {
            TranslateEvent(eventType, frame.Payload, output);
            return true;
        }
        catch (ProviderStreamError ex)
        {
            ChatChunkWriter.Error(output, ex.Message, ex.Type, ex.Type);
            return false;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            ChatChunkWriter.Error(output, $"AWS Bedrock sent an event Sluice cannot read ({frame.StringHeader(":event-type"u8)}): {ex.Message}", "upstream_error", "upstream_stream_corrupt");
            return false;
        }
    }
}

/// <summary>An error the provider reported inside an event (not as an exception frame); ends the stream with it.</summary>
internal sealed class ProviderStreamError(string type, string message) : Exception(message)
{
    public string Type { get; } = type;
}
