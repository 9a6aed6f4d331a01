using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Sluice.Translation;

namespace Sluice.Forwarding;

/// <summary>
/// For backends with their own wire format: replaces the upstream response content with its OpenAI translation
/// before the answer is accepted. Errors become the OpenAI envelope (status and headers such as Retry-After kept),
/// whole bodies a chat completion or embeddings list, and streams a <see cref="TranslatingStream"/> of SSE events.
/// </summary>
internal static class ResponseTranslation
{
    private const int MaxErrorBytes = 64 * 1024;
    private const int MaxBodyBytes = 32 * 1024 * 1024;
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue EventStream = new("text/event-stream");

    /// <summary>Null when done; otherwise why the provider's answer cannot be translated (a 502). A translated stream is returned through <paramref name="stream"/>.</summary>
    public static async Task<string?> ApplyAsync(HttpResponseMessage response, ResponseTranslator translator, StrongBox<TranslatingStream?> stream, CancellationToken cancellationToken)
    {
        var original = response.Content;
        var status = (int)response.StatusCode;
        if (status >= 400)
        {
            using (translator)
            {
                var body = await ReadAsync(original, MaxErrorBytes, cancellationToken).ConfigureAwait(false);
                var envelope = new PooledBufferWriter(body.Length + 256);
                var errorType = response.Headers.TryGetValues("x-amzn-errortype", out var types) ? string.Join(",", types) : null;
                translator.TranslateError(status, errorType, body, envelope);
                Replace(response, envelope.WrittenSpan.ToArray(), Json);
                envelope.Dispose();
                return null;
            }
        }

        var mediaType = original.Headers.ContentType?.MediaType;
        if (translator.StreamContentType is { } streamType && string.Equals(mediaType, streamType, StringComparison.OrdinalIgnoreCase))
        {
            var upstream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            stream.Value = new TranslatingStream(upstream, original, translator);
            response.Content = new StreamContent(stream.Value);
            response.Content.Headers.ContentType = EventStream;
            return null;
        }

        using (translator)
        {
            var body = await ReadAsync(original, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
            if (body.Length >= MaxBodyBytes)
            {
                return $"the provider's answer is larger than {MaxBodyBytes / (1024 * 1024)} MiB";
            }

            var translated = new PooledBufferWriter(body.Length + 512);
            try
            {
                if (!translator.TranslateBody(body, translated))
                {
                    return $"the provider answered {status} with a body that is not the expected {mediaType ?? "content"} response";
                }

                Replace(response, translated.WrittenSpan.ToArray(), Json);
                return null;
            }
            finally
            {
                translated.Dispose();
            }
        }
    }

    private static void Replace(HttpResponseMessage response, byte[] body, MediaTypeHeaderValue contentType)
    {
        var original = response.Content;
        response.Content = new ByteArrayContent(body);
        response.Content.Headers.ContentType = contentType;
        original.Dispose();
    }

    private static async Task<byte[]> ReadAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new PooledBufferWriter(16 * 1024);
            while (buffer.Length < limit)
            {
                var read = await stream.ReadAsync(buffer.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
            }

            return buffer.WrittenSpan.ToArray();
        }
    }
}
