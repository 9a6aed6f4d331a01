using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Sluice.Usage;

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

    public static async Task<ForwardingOutcome> CopyAsync(HttpContext context, AttemptResult attempt, CancellationTokenSource deadline, ILogger logger, UsageTracker? usage = null)
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
            var completed = isEventStream && usage is not null
                ? await CopyEventsAsync(context, attempt, usage, idleTimer, idleTimeout, readToken, deadline.Token).ConfigureAwait(false)
                : await CopyBytesAsync(context, attempt, status < 400 && IsJson(mediaType) ? usage : null, idleTimer, idleTimeout, readToken, deadline.Token).ConfigureAwait(false);
            if (!completed)
            {
                return ForwardingOutcome.ClientAborted;
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

    /// <summary>Passthrough: upstream reads land straight in the response pipe and are flushed at once.</summary>
    private static async Task<bool> CopyBytesAsync(HttpContext context, AttemptResult attempt, UsageTracker? tee, CancellationTokenSource? idleTimer, TimeSpan? idleTimeout, CancellationToken readToken, CancellationToken deadline)
    {
        var writer = context.Response.BodyWriter;
        if (attempt.FirstChunkLength > 0)
        {
            await writer.WriteAsync(attempt.FirstChunk.AsMemory(0, attempt.FirstChunkLength), context.RequestAborted).ConfigureAwait(false);
        }

        if (attempt.FirstChunk is not null && attempt.FirstChunkLength == 0)
        {
            return true; // the stream ended before its first byte
        }

        var source = await attempt.Response!.Content.ReadAsStreamAsync(deadline).ConfigureAwait(false);
        while (true)
        {
            var memory = writer.GetMemory(ReadSize);
            idleTimer?.CancelAfter(idleTimeout!.Value);
            var read = await source.ReadAsync(memory, readToken).ConfigureAwait(false);
            if (read == 0)
            {
                tee?.CompleteBody();
                return true;
            }

            tee?.TeeBody(memory.Span[..read]);
            writer.Advance(read);
            var flush = await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            if (flush.IsCompleted || flush.IsCanceled)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// SSE with usage accounting: every event is seen as it passes. When Sluice asked for usage on the client's
    /// behalf, whole events are forwarded one by one so the usage-only chunk can be held back; otherwise each read
    /// is forwarded at once and events are only observed.
    /// </summary>
    /// <remarks>
    /// A stream spends most of its life waiting for the next token, and thousands can be open at once. So no buffer
    /// is held while waiting: a zero-byte read waits for data (HttpClient's HTTP/1.1 and HTTP/2 response streams
    /// support it; YARP's StreamCopier does the same), then a buffer is rented for one read and returned before the
    /// flush. The first chunk's buffer is returned as soon as it has been forwarded.
    /// </remarks>
    private static async Task<bool> CopyEventsAsync(HttpContext context, AttemptResult attempt, UsageTracker usage, CancellationTokenSource? idleTimer, TimeSpan? idleTimeout, CancellationToken readToken, CancellationToken deadline)
    {
        var writer = context.Response.BodyWriter;
        using var events = new SseEventSplitter();
        if (attempt.FirstChunk is not null)
        {
            if (attempt.FirstChunkLength == 0)
            {
                return true; // the stream ended before its first byte
            }

            WriteEvents(writer, attempt.FirstChunk.AsSpan(0, attempt.FirstChunkLength), events, usage);
            attempt.ReleaseFirstChunk();
            if (!await FlushAsync(context).ConfigureAwait(false))
            {
                return false;
            }
        }

        var source = await attempt.Response!.Content.ReadAsStreamAsync(deadline).ConfigureAwait(false);
        while (true)
        {
            idleTimer?.CancelAfter(idleTimeout!.Value);
            await source.ReadAsync(Memory<byte>.Empty, readToken).ConfigureAwait(false);
            var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
            try
            {
                var read = await source.ReadAsync(buffer, readToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                WriteEvents(writer, buffer.AsSpan(0, read), events, usage);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (!await FlushAsync(context).ConfigureAwait(false))
            {
                return false;
            }
        }

        if (usage.DropsUsageOnlyChunk && !events.Remainder.IsEmpty)
        {
            await writer.WriteAsync(events.Remainder, context.RequestAborted).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Hands one read to the response pipe (whole events only, when the usage-only chunk may be held back).</summary>
    private static void WriteEvents(PipeWriter writer, ReadOnlySpan<byte> chunk, SseEventSplitter events, UsageTracker usage)
    {
        events.Append(chunk);
        if (!usage.DropsUsageOnlyChunk)
        {
            writer.Write(chunk);
        }

        while (events.TryReadEvent(out var sseEvent))
        {
            if (usage.ObserveEvent(sseEvent.Span) && usage.DropsUsageOnlyChunk)
            {
                writer.Write(sseEvent.Span);
            }
        }

        events.ReleaseIfDrained();
    }

    private static async ValueTask<bool> FlushAsync(HttpContext context)
    {
        var flush = await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        return !flush.IsCompleted && !flush.IsCanceled;
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
