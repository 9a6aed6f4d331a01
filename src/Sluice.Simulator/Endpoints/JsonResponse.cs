using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Buffers;
using Sluice.Simulator.Faults;
using Sluice.Simulator.Hosting;

namespace Sluice.Simulator.Endpoints;

/// <summary>Sends buffered JSON bodies (with Content-Length) and applies the non-streaming faults.</summary>
internal static class JsonResponse
{
    public const string ContentType = "application/json";

    public static async Task SendAsync(HttpContext context, int status, PooledBufferWriter body)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = body.WrittenCount;

        // No token: when the client is gone Kestrel completes the write itself, without an exception.
        await response.BodyWriter.WriteAsync(body.WrittenMemory, CancellationToken.None);
    }

    /// <summary>
    /// Sends a generated answer. With a generation pace, waits tokens/rate first (a real model's latency).
    /// x-sim-break-after sends the headers and then resets the connection; x-sim-stall-after sends the headers and
    /// then nothing until the client leaves.
    /// </summary>
    public static async Task SendAnswerAsync(
        HttpContext context,
        SimulatorRuntime runtime,
        FaultPlan faults,
        PooledBufferWriter body,
        int generatedTokens)
    {
        double rate = runtime.TokensPerSecond(faults);
        bool paced = rate > 0 && generatedTokens > 0;
        using CancellationTokenSource? lifetime = paced || faults.StallAfter is not null ? runtime.LinkToRequest(context) : null;
        CancellationToken token = lifetime?.Token ?? context.RequestAborted;
        if (paced && !await runtime.WaitAsync(TimeSpan.FromSeconds(generatedTokens / rate), token))
        {
            context.Abort();
            return;
        }

        if (faults.BreakAfter is null && faults.StallAfter is null)
        {
            await SendAsync(context, StatusCodes.Status200OK, body);
            return;
        }

        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = body.WrittenCount;
        await response.StartAsync(CancellationToken.None);
        await response.BodyWriter.FlushAsync(CancellationToken.None); // the headers leave now, the body never does
        if (faults.BreakAfter is not null)
        {
            await FaultInjector.BreakConnectionAsync(context, runtime);
            return;
        }

        SimulatorLog.FaultInjected(runtime.Logger, FaultHeaders.StallAfter, context.Request.Method, context.Request.Path.Value);
        await runtime.WaitAsync(Timeout.InfiniteTimeSpan, token);
        context.Abort();
    }
}
