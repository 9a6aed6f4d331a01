using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Simulator.Faults;

namespace Sluice.Simulator.Hosting;

/// <summary>What every endpoint shares: the options, the clock, the logger and the server's stopping signal.</summary>
internal sealed class SimulatorRuntime(
    SimulatorOptions options,
    TimeProvider timeProvider,
    ILogger logger,
    CancellationToken stopping)
{
    public SimulatorOptions Options { get; } = options;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILogger Logger { get; } = logger;

    /// <summary>Fires when the server begins to stop; long waits end early so shutdown is prompt.</summary>
    public CancellationToken Stopping { get; } = stopping;

    private int _activeRequests;

    /// <summary>Requests currently inside the simulator (tests use it to see that cancelled work stopped).</summary>
    public int ActiveRequests => Volatile.Read(ref _activeRequests);

    public long UnixTimeSeconds => TimeProvider.GetUtcNow().ToUnixTimeSeconds();

    public void RequestStarted() => Interlocked.Increment(ref _activeRequests);

    public void RequestEnded() => Interlocked.Decrement(ref _activeRequests);

    /// <summary>The answer length when max_tokens does not cut it short.</summary>
    public int NaturalLength(in FaultPlan faults) => faults.CompletionTokens ?? Options.DefaultMaxTokens;

    public double TokensPerSecond(in FaultPlan faults) => faults.TokensPerSecond ?? Options.TokensPerSecond;

    /// <summary>A token that fires when the client goes away or the server stops. Dispose it.</summary>
    public CancellationTokenSource LinkToRequest(HttpContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, Stopping);

    /// <summary>Waits without throwing; false when <paramref name="cancellationToken"/> fired first.</summary>
    public async ValueTask<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, TimeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !cancellationToken.IsCancellationRequested;
    }
}
