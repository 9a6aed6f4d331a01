using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Simulator.Faults;
using Sluice.Simulator.Hosting;

namespace Sluice.Simulator.Streaming;

/// <summary>
/// One streamed response: pacing (tokens per second), the streaming faults (break, stall), and its framing: SSE
/// events (OpenAI) or whole pre-encoded frames (Bedrock's event stream). Every method that returns false means
/// "stop writing": the client left, the server is stopping, or a fault fired.
/// </summary>
internal sealed class StreamSession : IDisposable
{
    private readonly HttpContext _context;
    private readonly SimulatorRuntime _runtime;
    private readonly FaultPlan _faults;
    private SseWriter? _sse;
    private readonly CancellationTokenSource? _lifetime;
    private readonly double _rate;
    private long _started;

    public StreamSession(HttpContext context, SimulatorRuntime runtime, FaultPlan faults)
    {
        _context = context;
        _runtime = runtime;
        _faults = faults;
        _rate = runtime.TokensPerSecond(faults);
        if (_rate > 0 || faults.StallAfter is not null)
        {
            _lifetime = runtime.LinkToRequest(context);
        }
    }

    private CancellationToken Token => _lifetime?.Token ?? _context.RequestAborted;

    private SseWriter Sse => _sse ??= new SseWriter(_context.Response.BodyWriter);

    /// <summary>Sets the SSE status and headers; they go out with the first event.</summary>
    public void Start() => Start("text/event-stream; charset=utf-8");

    /// <summary>Sets the status and headers of a stream of <paramref name="contentType"/>; they go out with the first write.</summary>
    public void Start(string contentType)
    {
        HttpResponse response = _context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-cache";
        _context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        _started = _runtime.TimeProvider.GetTimestamp();
    }

    public Utf8JsonWriter BeginEvent() => Sse.BeginEvent();

    public async ValueTask<bool> EndEventAsync(int contentChunksSent)
    {
        FlushResult result = await Sse.EndEventAsync();
        return Continue(result, contentChunksSent);
    }

    public async ValueTask<bool> WriteDoneAsync(int contentChunksSent)
    {
        FlushResult result = await Sse.WriteDoneAsync();
        return Continue(result, contentChunksSent);
    }

    /// <summary>Writes one whole frame (an AWS event-stream message) and flushes it to the client.</summary>
    public async ValueTask<bool> WriteFrameAsync(ReadOnlyMemory<byte> frame, int contentChunksSent)
    {
        FlushResult result = await _context.Response.BodyWriter.WriteAsync(frame, CancellationToken.None);
        return Continue(result, contentChunksSent);
    }

    /// <summary>
    /// Call before content chunk number <paramref name="sent"/> (0-based), and once with
    /// <paramref name="final"/> after the last one. A break or stall fires when <paramref name="sent"/> reaches its
    /// count, or at the final checkpoint when the answer is shorter than the count.
    /// </summary>
    public async ValueTask<bool> CheckpointAsync(int sent, bool final)
    {
        if (_faults.BreakAfter is int breakAfter && (sent >= breakAfter || final))
        {
            await FaultInjector.BreakConnectionAsync(_context, _runtime);
            return false;
        }

        if (_faults.StallAfter is int stallAfter && (sent >= stallAfter || final))
        {
            SimulatorLog.FaultInjected(_runtime.Logger, FaultHeaders.StallAfter, _context.Request.Method, _context.Request.Path.Value);
            await _runtime.WaitAsync(Timeout.InfiniteTimeSpan, Token);
            _context.Abort();
            return false;
        }

        if (!final && _rate > 0)
        {
            // Chunk n is due (n + 1) / rate seconds after the start, so timer jitter never accumulates.
            TimeSpan due = TimeSpan.FromSeconds((sent + 1) / _rate) - _runtime.TimeProvider.GetElapsedTime(_started);
            if (due > TimeSpan.Zero && !await _runtime.WaitAsync(due, Token))
            {
                return Stop(sent);
            }
        }

        return !Token.IsCancellationRequested || Stop(sent);
    }

    /// <summary>Time since <see cref="Start()"/> (Bedrock's metrics.latencyMs).</summary>
    public TimeSpan Elapsed => _runtime.TimeProvider.GetElapsedTime(_started);

    public void Dispose()
    {
        _sse?.Dispose();
        _lifetime?.Dispose();
    }

    private bool Continue(FlushResult result, int contentChunksSent) =>
        !(result.IsCompleted || result.IsCanceled || Token.IsCancellationRequested) || Stop(contentChunksSent);

    /// <summary>Resets the connection so an interrupted stream never looks complete at the HTTP level.</summary>
    private bool Stop(int contentChunksSent)
    {
        SimulatorLog.StreamCancelled(_runtime.Logger, contentChunksSent);
        _context.Abort();
        return false;
    }
}
