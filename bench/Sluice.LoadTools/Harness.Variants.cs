using Sluice.LoadTools.Configs;
using Sluice.LoadTools.Load;
using Sluice.LoadTools.Processes;
using Sluice.LoadTools.Report;

namespace Sluice.LoadTools;

/// <summary>The extra Sluice processes: other providers' paths, governance on, 10,000 models, the Native AOT build.</summary>
internal sealed partial class Harness
{
    private readonly List<VariantRun> _variants = [];

    public IReadOnlyList<VariantRun> Variants => _variants;

    private async Task RunVariantsAsync(CancellationToken cancellationToken)
    {
        foreach (var variant in SluiceVariant.All(plan, lab.UpstreamPort, lab.LogDirectory, lab.Options.SluiceAotExecutable))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = await RunVariantAsync(variant, cancellationToken);
            _variants.Add(run);
            if (run.Failure is not null)
            {
                Progress($"{variant.Label}: not measured: {run.Failure}");
            }
        }
    }

    /// <summary>
    /// Starts the variant's Sluice, checks it answers, warms it up like the main Sluice, then measures the
    /// passthrough, concurrency 1 and stream throughput on it alone, with its own memory samples.
    /// </summary>
    private async Task<VariantRun> RunVariantAsync(SluiceVariant variant, CancellationToken cancellationToken)
    {
        var bodies = variant.Model == Bodies.DefaultModel ? _bodies! : await Bodies.WriteAsync(lab.Options.WorkDirectory, variant.Model);
        var streamHeaders = variant.Headers.Append($"{StreamChunksHeader}: {plan.StreamChunks}").ToList();
        var runs = new List<WrkRun>();
        double startupMs = 0;
        WarmupCurve? warmup = null;
        IReadOnlyDictionary<string, long> rss = new Dictionary<string, long>();
        IReadOnlyDictionary<string, long> anon = rss;
        string? failure = null;
        Progress($"{variant.Label}: starting ({variant.What})");
        SluiceProcess? process = null;
        try
        {
            process = await lab.StartSluiceAsync("sluice-" + variant.Key, variant.Label, variant.Yaml, variant.Environment, variant.Arguments, variant.Executable);
            startupMs = process.StartupMs;
            var path = process.Path;
            await using var monitor = new MemoryMonitor(new Dictionary<string, IReadOnlyList<int>> { [variant.Key] = path.ProxyPids });
            try
            {
                monitor.Phase = Phases.Idle;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                failure = await Probe.CheckAsync(path.ChatUrl, bodies.Chat, variant.Headers, stream: false, cancellationToken)
                    ?? await Probe.CheckAsync(path.ChatUrl, bodies.Stream, streamHeaders, stream: true, cancellationToken);
                if (failure is null)
                {
                    monitor.Phase = Phases.Warmup;
                    warmup = await WarmUpAsync(path, bodies.Chat, cancellationToken, plan.VariantWarmupMinimum, variant.Headers);
                    await wrk.RunAsync(new WrkRequest(path.ChatUrl, bodies.Stream, plan.MaxThroughputConnections, plan.WarmupRound, Headers: streamHeaders), $"warmup-stream-{path.Key}");
                    IReadOnlyList<PathUnderTest> paths = [path];
                    monitor.Phase = Scenarios.Passthrough;
                    await MeasureRoundsAsync(Scenarios.Passthrough, paths, p => new WrkRequest(p.ChatUrl, bodies.Chat, plan.MaxThroughputConnections, plan.VariantDuration, Headers: variant.Headers), HigherRate, runs, cancellationToken);
                    monitor.Phase = Scenarios.SingleConnection;
                    await MeasureRoundsAsync(Scenarios.SingleConnection, paths, p => new WrkRequest(p.ChatUrl, bodies.Chat, 1, plan.VariantDuration, Headers: variant.Headers), LowerP99, runs, cancellationToken);
                    monitor.Phase = Scenarios.StreamThroughput;
                    await MeasureRoundsAsync(Scenarios.StreamThroughput, paths, p => new WrkRequest(p.ChatUrl, bodies.Stream, plan.MaxThroughputConnections, plan.VariantDuration, Headers: streamHeaders), HigherRate, runs, cancellationToken);
                }
            }
            finally
            {
                var figures = monitor.Figures().Single();
                rss = figures.PeakRssByPhase;
                anon = figures.PeakAnonByPhase;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
        {
            failure = ex.Message;
        }
        finally
        {
            process?.Dispose();
        }

        return new VariantRun(variant.Key, variant.Label, variant.What, startupMs, warmup, runs,
            rss.GetValueOrDefault(Phases.Idle), Phases.LoadPeak(rss), Phases.LoadPeak(anon), failure, rss);
    }
}
