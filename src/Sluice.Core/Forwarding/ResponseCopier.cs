using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Sluice.Forwarding;

/// <summary>
/// Commits an upstream answer to the client. Each read is written to the response pipe and flushed at once, so
/// an SSE event reaches the client as soon as the upstream sends it; nothing is buffered beyond one read.
/// Upstream errors keep their status and headers; a non-JSON error body is wrapped in the OpenAI envelope.
/// </summary>
internal static partial class ResponseCopier
{
    private const int ReadSize = 16 * 1024;
    private const int MaxWrappedErrorBytes = 64 * 1024;

    public static async Task<ForwardingOutcome> CopyAsync(HttpContext context, AttemptResult attempt, CancellationTokenSource deadline, ILogger logger)
    {
        var upstream = attempt.Response!;
        var forwarding = attempt.Forwarding;
        var response = context.Response;
        var status = (int)upstream.StatusCode;
        var mediaType = upstream.Content.Headers.ContentType?.MediaType;
        response.StatusCode = status;
        if (status >= 400 && !IsJson(mediaType))
        {
            HeaderPolicy.CopyResponseHeaders(upstream, response, bodyRewritten: true);
            await WrapErrorAsync(context, upstream, status, deadline.Token).ConfigureAwait(false);
            return ForwardingOutcome.UpstreamError;
        }

        HeaderPolicy.CopyResponseHeaders(upstream, response, bodyRewritten: false);
        var isEventStream = UpstreamAttempt.IsEventStream(upstream);
        if (isEventStream)
        {
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        }

        // The idle timer is a child of the request deadline, so re-arming it per read never extends the deadline.
        var idleTimeout = forwarding.Rule.StreamIdleTimeout is { } idle && idle > TimeSpan.Zero ? idle : (TimeSpan?)null;
        using var idleTimer = idleTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var readToken = idleTimer?.Token ?? deadline.Token;
        try
        {
            var writer = response.BodyWriter;
            if (attempt.FirstChunkLength > 0)
            {
                await writer.WriteAsync(attempt.FirstChunk.AsMemory(0, attempt.FirstChunkLength), context.RequestAborted).ConfigureAwait(false);
            }

            if (attempt.FirstChunk is null || attempt.FirstChunkLength > 0)
            {
                var source = await upstream.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
                while (true)
                {
                    var memory = writer.GetMemory(ReadSize);
                    idleTimer?.CancelAfter(idleTimeout!.Value);
                    var read = await source.ReadAsync(memory, readToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    writer.Advance(read);
                    var flush = await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return ForwardingOutcome.ClientAborted;
                    }
                }
            }

            return status >= 400 ? ForwardingOutcome.UpstreamError : ForwardingOutcome.Completed;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                return ForwardingOutcome.ClientAborted;
            }

            var timedOut = ex is OperationCanceledException;
            var backend = forwarding.BackendRef.Backend.Name;
            var message = timedOut
                ? (deadline.IsCancellationRequested
                    ? $"backend {backend} did not finish within {forwarding.Rule.RequestTimeout.TotalSeconds:0.###}s (rule timeouts.request)"
                    : $"backend {backend} sent nothing for {idleTimeout?.TotalSeconds:0.###}s (rule streamIdleTimeout)")
                : $"backend {backend} closed the connection mid-response";
            LogInterrupted(logger, backend, message);
            if (isEventStream)
            {
                var errorEvent = ErrorResponse.SseEvent(message, "upstream_error", timedOut ? "upstream_timeout" : "upstream_interrupted");
                await response.Body.WriteAsync(errorEvent, context.RequestAborted).ConfigureAwait(false);
                await response.CompleteAsync().ConfigureAwait(false);
            }
            else
            {
                context.Abort(); // the client must not take a truncated body for a whole one
            }

            return timedOut ? ForwardingOutcome.Timeout : ForwardingOutcome.StreamInterrupted;
        }
    }

    private static bool IsJson(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static async Task WrapErrorAsync(HttpContext context, HttpResponseMessage upstream, int status, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            var bytes = await ReadLimitedAsync(upstream.Content, MaxWrappedErrorBytes, cancellationToken).ConfigureAwait(false);
            text = Encoding.UTF8.GetString(bytes).Trim();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            text = string.Empty;
        }

        if (text.Length == 0)
        {
            text = $"the backend answered {status} {upstream.ReasonPhrase} with no body";
        }

        var buffer = new ArrayBufferWriter<byte>(text.Length + 128);
        ErrorResponse.WriteEnvelope(buffer, text, "OpenAIBackendError", status.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[limit];
            var total = 0;
            int read;
            while (total < limit && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return buffer[..total];
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "backend {Backend}: {Message}")]
    private static partial void LogInterrupted(ILogger logger, string backend, string message);
}
