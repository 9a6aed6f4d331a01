using Microsoft.AspNetCore.Http;

namespace Sluice.Forwarding;

internal enum BodyReadStatus
{
    Ok,
    TooLarge,
    ClientAborted,
}

/// <summary>
/// Reads the whole request body into a pooled buffer, stopping as soon as it passes the limit (413, never an
/// unbounded buffer). The body must be complete before routing because the model is inside it.
/// </summary>
internal static class RequestBodyReader
{
    public static async ValueTask<(BodyReadStatus Status, PooledBufferWriter? Body)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > limit)
        {
            return (BodyReadStatus.TooLarge, null);
        }

        var body = new PooledBufferWriter((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (body.Length + buffer.Length > limit)
                {
                    reader.AdvanceTo(buffer.End);
                    body.Dispose();
                    return (BodyReadStatus.TooLarge, null);
                }

                foreach (var segment in buffer)
                {
                    segment.Span.CopyTo(body.GetSpan(segment.Length));
                    body.Advance(segment.Length);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return (BodyReadStatus.Ok, body);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            body.Dispose();
            return (BodyReadStatus.ClientAborted, null);
        }
    }
}
