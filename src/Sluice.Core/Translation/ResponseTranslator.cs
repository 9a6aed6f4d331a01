using System.Buffers;
using System.Text.Json;
using Sluice.Json;

namespace Sluice.Translation;

/// <summary>
/// Turns one provider response into OpenAI's shape: a whole JSON body, a stream of provider frames into
/// <c>chat.completion.chunk</c> SSE events, or a provider error into the OpenAI error envelope. One instance per
/// response: stream translators keep state between reads.
/// </summary>
internal abstract class ResponseTranslator : IDisposable
{
    /// <summary>The upstream content type of a streamed answer this translator reads; null when the API never streams.</summary>
    public virtual string? StreamContentType => null;

    /// <summary>Translates a whole successful body; false when the body is not what the provider sends.</summary>
    public bool TranslateBody(ReadOnlyMemory<byte> upstream, IBufferWriter<byte> output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(upstream);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            try
            {
                return TranslateJson(document.RootElement, output);
            }
            catch (InvalidOperationException) when (JsonStrings.FindUnreadable(upstream.Span) is not null)
            {
                // Strings are read leniently, but a property name holding a lone surrogate escape makes every look-up in
                // its object throw: not an answer the provider sends (a 502, as for a body that is not JSON).
                return false;
            }
        }
    }

    /// <summary>
    /// Translates the first <paramref name="count"/> bytes of <paramref name="buffer"/>, one read (frames may be split
    /// across reads or several in one). Writes whole SSE events only. Returns false when the stream must end now (a
    /// provider exception or a corrupt frame); the error event and <c>[DONE]</c> are then already written.
    /// </summary>
    public virtual bool TranslateStream(byte[] buffer, int count, IBufferWriter<byte> output) =>
        throw new InvalidOperationException($"{GetType().Name} has no {nameof(StreamContentType)}: it never streams");

    /// <summary>
    /// The upstream closed the stream: writes <c>[DONE]</c> and returns true, or, when it ended mid-message, an error
    /// event and <c>[DONE]</c> and returns false.
    /// </summary>
    public virtual bool CompleteStream(IBufferWriter<byte> output) =>
        throw new InvalidOperationException($"{GetType().Name} has no {nameof(StreamContentType)}: it never streams");

    /// <summary>An error answer: the OpenAI envelope with the provider's message and type.</summary>
    public abstract void TranslateError(int status, string? errorType, ReadOnlySpan<byte> body, IBufferWriter<byte> output);

    public virtual void Dispose()
    {
    }

    /// <summary>Translates a whole successful JSON answer; false when it is not what the provider sends.</summary>
    protected abstract bool TranslateJson(JsonElement root, IBufferWriter<byte> output);
}
