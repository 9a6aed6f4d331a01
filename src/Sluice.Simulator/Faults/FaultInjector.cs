using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Sluice.Simulator.Endpoints;
using Sluice.Simulator.Hosting;

namespace Sluice.Simulator.Faults;

/// <summary>
/// The faults that act before a request is read: x-sim-delay-ms, x-sim-break-after: 0, x-sim-status (in that
/// order). The streaming faults live in <c>StreamSession</c>, the non-streaming ones in <c>JsonResponse</c>.
/// </summary>
internal static class FaultInjector
{
    /// <summary>
    /// How long a break waits before resetting, so chunks already flushed leave Kestrel's output pipe first
    /// (an abort drops whatever the transport has not yet written to the socket).
    /// </summary>
    public static readonly TimeSpan BreakDrainDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a half-closed connection waits for the client to close its side.</summary>
    public static readonly TimeSpan BreakLinger = TimeSpan.FromSeconds(2);

    private const int RateLimitRequests = 500;
    private const int RateLimitTokens = 200_000;

    /// <summary>Returns false when a fault has answered (or dropped) the request; errors use <paramref name="errors"/>.</summary>
    public static async ValueTask<bool> TryPassAsync(HttpContext context, FaultPlan faults, SimulatorRuntime runtime, ErrorFormat errors)
    {
        if (faults.DelayMs > 0)
        {
            SimulatorLog.FaultInjected(runtime.Logger, FaultHeaders.DelayMs, context.Request.Method, context.Request.Path.Value);
            using CancellationTokenSource lifetime = runtime.LinkToRequest(context);
            if (!await runtime.WaitAsync(TimeSpan.FromMilliseconds(faults.DelayMs), lifetime.Token))
            {
                context.Abort();
                return false;
            }
        }

        if (faults.BreakAfter == 0)
        {
            SimulatorLog.FaultInjected(runtime.Logger, FaultHeaders.BreakAfter, context.Request.Method, context.Request.Path.Value);
            context.Abort();
            return false;
        }

        if (faults.Status is int status)
        {
            SimulatorLog.FaultInjected(runtime.Logger, FaultHeaders.Status, context.Request.Method, context.Request.Path.Value);
            if (status == StatusCodes.Status429TooManyRequests)
            {
                AddRateLimitHeaders(context.Response.Headers, faults.RetryAfterSeconds);
            }

            await ErrorResponder.WriteAsync(context, SimulatedErrors.ForStatus(status, faults.RetryAfterSeconds), errors);
            return false;
        }

        return true;
    }

    /// <summary>
    /// x-sim-break-after mid-response: the connection drops after the bytes already flushed. On HTTP/1.x the
    /// socket's send side is shut first (a FIN queued behind the data), so the client reliably reads every flushed
    /// event and then hits a premature end of the response; an immediate reset could make the client's kernel
    /// discard events it had received but not yet read. The connection is then aborted once the client closes
    /// it (or after <see cref="BreakLinger"/>). HTTP/2 streams are simply reset.
    /// </summary>
    public static async ValueTask BreakConnectionAsync(HttpContext context, SimulatorRuntime runtime)
    {
        SimulatorLog.FaultInjected(runtime.Logger, FaultHeaders.BreakAfter, context.Request.Method, context.Request.Path.Value);
        await runtime.WaitAsync(BreakDrainDelay, context.RequestAborted);
        Socket? socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is not null && !HttpProtocol.IsHttp2(context.Request.Protocol) && TryShutdownSend(socket))
        {
            await runtime.WaitAsync(BreakLinger, context.RequestAborted);
        }

        context.Abort();
    }

    private static bool TryShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (SocketException)
        {
            return false; // already closed by the client: nothing left to break
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Retry-After plus the x-ratelimit-* headers api.openai.com sends, with the request budget spent.</summary>
    private static void AddRateLimitHeaders(IHeaderDictionary headers, int retryAfterSeconds)
    {
        string retryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        headers[HeaderNames.RetryAfter] = retryAfter;
        headers["x-ratelimit-limit-requests"] = RateLimitRequests.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-requests"] = "0";
        headers["x-ratelimit-reset-requests"] = retryAfter + "s";
        headers["x-ratelimit-limit-tokens"] = RateLimitTokens.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-tokens"] = RateLimitTokens.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-reset-tokens"] = "0s";
    }
}
