using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sluice.LoadTools.Load;
using Sluice.LoadTools.Processes;
using Sluice.LoadTools.Report;

namespace Sluice.LoadTools;

/// <summary>
/// Runs every scenario of a <see cref="BenchPlan"/> against the paths of a <see cref="Lab"/>, one path at a time,
/// in the order direct, nginx, Sluice (and Portkey when installed), and collects the results. Every step is
/// bounded in time.
/// </summary>
internal sealed partial class Harness(BenchPlan plan, Lab lab, Wrk wrk, MemoryMonitor memory)
{
    private const string StreamChunksHeader = "x-sim-completion-tokens";
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<WrkRun> _wrkRuns = [];
    private readonly List<StreamLatencyRun> _latency = [];
    private readonly List<ConcurrencyRun> _concurrency = [];
    private readonly List<WarmupCurve> _warmup = [];

    /// <summary>The default model's bodies, written once at the start of <see cref="RunAsync"/> for every step.</summary>
    private Bodies? _bodies;

    public IReadOnlyList<WarmupCurve> Warmup => _warmup;

    public IReadOnlyList<WrkRun> WrkRuns => _wrkRuns;

    public IReadOnlyList<StreamLatencyRun> StreamLatency => _latency;

    public IReadOnlyList<ConcurrencyRun> StreamConcurrency => _concurrency;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var bodies = _bodies = await Bodies.WriteAsync(lab.Options.WorkDirectory);
        var streamHeaders = new[] { $"{StreamChunksHeader}: {plan.StreamChunks}" };

        memory.Phase = Phases.Idle;
        Progress("idle: letting the processes settle");
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

        memory.Phase = Phases.Warmup;
        var streamBody = await File.ReadAllBytesAsync(bodies.Stream, cancellationToken);
        foreach (var path in lab.PathsWithReference)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _warmup.Add(await WarmUpAsync(path, bodies.Chat, cancellationToken));
            await wrk.RunAsync(WithPathHeaders(new WrkRequest(path.ChatUrl, bodies.Stream, plan.MaxThroughputConnections, plan.WarmupRound, Headers: streamHeaders), path), $"warmup-stream-{path.Key}");
            using var client = new SseStreamClient(path.ChatUrl, streamBody, path.Headers);
            await StreamScenarios.LatencyAsync(client, plan with { StreamLatencySamples = 10 });
        }

        memory.Phase = Scenarios.Passthrough;
        await MeasureRoundsAsync(Scenarios.Passthrough, lab.PathsWithReference, path => new WrkRequest(path.ChatUrl, bodies.Chat, plan.MaxThroughputConnections, plan.MaxThroughputDuration), HigherRate, _wrkRuns, cancellationToken);

        memory.Phase = Scenarios.FixedRate;
        foreach (var rate in plan.FixedRates)
        {
            var connections = Math.Max(4, rate * plan.FixedRateConnectionsPerThousand / 1000);
            foreach (var path in lab.Paths)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await MeasureAsync(Scenarios.FixedRate, path, new WrkRequest(path.ChatUrl, bodies.Chat, connections, plan.FixedRateDuration, rate), rate);
            }
        }

        memory.Phase = Scenarios.SingleConnection;
        await MeasureRoundsAsync(Scenarios.SingleConnection, lab.PathsWithReference, path => new WrkRequest(path.ChatUrl, bodies.Chat, 1, plan.SingleConnectionDuration), LowerP99, _wrkRuns, cancellationToken);

        if (plan.LargeBodyDuration is { } largeDuration)
        {
            memory.Phase = Scenarios.LargeBody;
            await MeasureRoundsAsync(Scenarios.LargeBody, path => new WrkRequest(path.ChatUrl, bodies.Large, plan.LargeBodyConnections, largeDuration), HigherRate, cancellationToken);
        }

        memory.Phase = Scenarios.StreamThroughput;
        await MeasureRoundsAsync(Scenarios.StreamThroughput, path => new WrkRequest(path.ChatUrl, bodies.Stream, plan.MaxThroughputConnections, plan.StreamThroughputDuration, Headers: streamHeaders), HigherRate, cancellationToken);

        memory.Phase = "stream-latency";
        foreach (var path in lab.Paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var client = new SseStreamClient(path.ChatUrl, streamBody, path.Headers);
            var cpu = CpuMeter.Start(path, lab);
            var result = await StreamScenarios.LatencyAsync(client, plan);
            _latency.Add(new StreamLatencyRun(path.Key, plan.StreamLatencyTokensPerSecond, result, cpu.Stop()));
            Progress($"stream latency {path.Label}: TTFT p50 {Format.Us(result.FirstTokenUs.P50)} p99 {Format.Us(result.FirstTokenUs.P99)}, gap p50 {Format.Us(result.GapUs.P50)} p99 {Format.Us(result.GapUs.P99)}, {result.Failed} failed");
        }

        foreach (var path in lab.Paths)
        {
            using var client = new SseStreamClient(path.ChatUrl, streamBody, path.Headers);
            var levels = new List<ConcurrencyLevelResult>();
            foreach (var level in plan.ConcurrencyLevels)
            {
                cancellationToken.ThrowIfCancellationRequested();
                memory.Phase = Phases.Streams(level, path.Key);
                var result = await StreamScenarios.ConcurrencyAsync(client, plan, level);
                levels.Add(result);
                Progress($"streams {path.Label} × {level}: {result.StallFree} stall-free, {result.Stalled} stalled, {result.Failed} failed{(result.FirstError is null ? string.Empty : $" ({result.FirstError})")}, gap p99 {Format.Us(result.GapUs.P99)} max {Format.Us(result.GapUs.Max)}");
                if (!result.AllStallFree)
                {
                    break;
                }
            }

            _concurrency.Add(new ConcurrencyRun(path.Key, levels));
        }

        memory.Phase = Phases.After;
        Progress($"after: {plan.Cooldown.TotalSeconds:0} s without load");
        await Task.Delay(plan.Cooldown, cancellationToken);

        // Each in a fresh Sluice process of its own, while the processes above idle.
        await RunVariantsAsync(cancellationToken);
        await RunControlPlaneAsync(cancellationToken);
        await RunSoakAsync(cancellationToken);
    }

    /// <summary>
    /// Measures every path in <see cref="BenchPlan.Rounds"/> interleaved rounds (direct, nginx, Sluice, direct, ...),
    /// each a share of the request's duration, and keeps each path's median round by <paramref name="better"/>: a
    /// burst of load from other processes then spoils one round of one path, not the comparison.
    /// </summary>
    private Task MeasureRoundsAsync(string scenario, Func<PathUnderTest, WrkRequest> request, Comparison<WrkRun> better, CancellationToken cancellationToken) =>
        MeasureRoundsAsync(scenario, lab.Paths, request, better, _wrkRuns, cancellationToken);

    private async Task MeasureRoundsAsync(string scenario, IReadOnlyList<PathUnderTest> paths, Func<PathUnderTest, WrkRequest> request, Comparison<WrkRun> better, List<WrkRun> results, CancellationToken cancellationToken)
    {
        var rounds = paths.ToDictionary(static p => p.Key, static _ => new List<WrkRun>());
        for (var round = 1; round <= plan.Rounds; round++)
        {
            foreach (var path in paths)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var full = request(path);
                var part = full with { Duration = full.Duration / plan.Rounds };
                rounds[path.Key].Add(await RunAsync(scenario, path, part, null, plan.Rounds == 1 ? null : round));
            }
        }

        foreach (var path in paths)
        {
            var ordered = rounds[path.Key].ToList();
            ordered.Sort(better);
            var median = ordered[(ordered.Count - 1) / 2];
            results.Add(median with { Rounds = plan.Rounds == 1 ? null : [.. rounds[path.Key].Select(static r => r.Result)] });
        }
    }

    private static int HigherRate(WrkRun a, WrkRun b) => b.Result.RequestsPerSecond.CompareTo(a.Result.RequestsPerSecond);

    private static int LowerP99(WrkRun a, WrkRun b) => a.Result.Latency.P99.CompareTo(b.Result.Latency.P99);

    private async Task MeasureAsync(string scenario, PathUnderTest path, WrkRequest request, int? rate = null) =>
        _wrkRuns.Add(await RunAsync(scenario, path, request, rate, null));

    private async Task<WrkRun> RunAsync(string scenario, PathUnderTest path, WrkRequest request, int? rate, int? round)
    {
        request = WithPathHeaders(request, path);
        var cpu = CpuMeter.Start(path, lab);
        var name = $"{scenario}{(rate is null ? string.Empty : $"-{rate}")}-{path.Key}{(round is null ? string.Empty : $"-{round}")}";
        var result = await wrk.RunAsync(request, name);
        var run = new WrkRun(scenario, path.Key, request.Connections, rate, result, cpu.Stop());
        Progress(string.Create(CultureInfo.InvariantCulture,
            $"{scenario}{(rate is null ? string.Empty : $" @{rate}/s")}{(round is null ? string.Empty : $" round {round}")} {path.Label}: {Format.Count(result.RequestsPerSecond)} req/s, p50 {Format.Us(result.Latency.P50)}, p99 {Format.Us(result.Latency.P99)}, proxy CPU {Format.Percent(run.Cpu.ProxyPercent)}, other CPU {Format.Percent(run.Cpu.OtherPercent)}, errors {result.Errors.Total}"));
        return run;
    }

    /// <summary>The path's own headers (Portkey's routing config) ahead of the request's.</summary>
    private static WrkRequest WithPathHeaders(WrkRequest request, PathUnderTest path) =>
        path.Headers.Count == 0 ? request : request with { Headers = [.. path.Headers, .. request.Headers ?? []] };

    /// <summary>
    /// Closed-loop rounds: for Sluice until the last three agree within 5 % and the minimum has passed, or the maximum
    /// is reached; for Portkey until the last three agree or <see cref="BenchPlan.PortkeyWarmupMaximum"/> (Node's JIT
    /// warms up within seconds, but not in one round); three rounds for the others. Returns every round's
    /// throughput: Sluice's curve is a result in itself.
    /// </summary>
    private async Task<WarmupCurve> WarmUpAsync(PathUnderTest path, string body, CancellationToken cancellationToken, TimeSpan? sluiceMinimum = null, IReadOnlyList<string>? headers = null)
    {
        // nginx needs no warm-up and the direct path's upstream warms up under every path's load: three rounds each.
        var isSluice = path == lab.Sluice || sluiceMinimum is not null;
        var isPortkey = path == lab.Portkey;
        var untilSteady = isSluice || isPortkey || path == lab.Bare; // the bare forwarder has a JIT to warm up too
        var minimum = isSluice ? sluiceMinimum ?? plan.SluiceWarmupMinimum : TimeSpan.Zero;
        var maximum = isPortkey ? plan.PortkeyWarmupMaximum : plan.WarmupMaximum;
        var rounds = new List<double>();
        var started = Stopwatch.GetTimestamp();
        var steady = false;
        while (Stopwatch.GetElapsedTime(started) < maximum && (untilSteady || rounds.Count < 3) && !cancellationToken.IsCancellationRequested)
        {
            var result = await wrk.RunAsync(WithPathHeaders(new WrkRequest(path.ChatUrl, body, plan.MaxThroughputConnections, plan.WarmupRound, Headers: headers), path), $"warmup-{path.Key}-{rounds.Count + 1}");
            rounds.Add(Math.Round(result.RequestsPerSecond));
            var last = rounds.TakeLast(3).ToList();
            steady = last.Count == 3 && last.Min() >= 0.95 * last.Max();
            if (steady && Stopwatch.GetElapsedTime(started) >= minimum)
            {
                break;
            }
        }

        Progress($"warm-up {path.Label}: {string.Join(", ", rounds.Select(Format.Count))} req/s per {plan.WarmupRound.TotalSeconds:0} s round{(steady ? string.Empty : " (not steady)")}");
        return new WarmupCurve(path.Key, plan.WarmupRound.TotalSeconds, rounds, steady);
    }

    private void Progress(string message) =>
        Console.Error.WriteLine($"[{_clock.Elapsed:mm\\:ss}] {message}");
}
