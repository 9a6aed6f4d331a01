using Sluice.LoadTools.Configs;
using Sluice.LoadTools.Load;
using Sluice.LoadTools.Processes;
using Sluice.LoadTools.Report;

namespace Sluice.LoadTools;

/// <summary>The soak: does a warmed-up Sluice's memory or latency drift under steady mixed load?</summary>
internal sealed partial class Harness
{
    public SoakRun? Soak { get; private set; }

    /// <summary>
    /// A fresh Sluice with the passthrough config, warmed up, then <see cref="BenchPlan.SoakSegments"/> segments
    /// of two fixed-rate loads at once: non-streamed requests at <see cref="BenchPlan.SoakRate"/> per second, and
    /// streams at <see cref="BenchPlan.SoakStreamRate"/> per second, each paced at 20 tokens/s so about that many
    /// are open at any time. RSS is sampled every 250 ms; each segment keeps its peak.
    /// </summary>
    private async Task RunSoakAsync(CancellationToken cancellationToken)
    {
        if (plan.SoakSegments <= 0)
        {
            return;
        }

        var bodies = _bodies!;
        string[] streamHeaders = [$"{StreamChunksHeader}: {plan.StreamChunks}", "x-sim-tokens-per-second: 20"];
        var segments = new List<SoakSegment>();
        WarmupCurve? warmup = null;
        double startupMs = 0;
        string? failure = null;
        Progress($"soak: {plan.SoakSegments} × {plan.SoakSegment.TotalSeconds:0} s at {plan.SoakRate:N0} req/s and {plan.SoakStreamRate} streams/s");
        SluiceProcess? process = null;
        try
        {
            process = await lab.StartSluiceAsync("sluice-soak", "Sluice (soak)", SluiceConfigs.Passthrough(lab.UpstreamPort));
            startupMs = process.StartupMs;
            var path = process.Path;
            await using var monitor = new MemoryMonitor(new Dictionary<string, IReadOnlyList<int>> { ["soak"] = path.ProxyPids });
            monitor.Phase = Phases.Warmup;
            warmup = await WarmUpAsync(path, bodies.Chat, cancellationToken, plan.VariantWarmupMinimum);
            for (var i = 1; i <= plan.SoakSegments; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var phase = $"soak-{i:00}";
                monitor.Phase = phase;
                var cpu = CpuMeter.Start(path, lab);
                var chat = wrk.RunAsync(new WrkRequest(path.ChatUrl, bodies.Chat, Math.Max(4, plan.SoakRate * plan.FixedRateConnectionsPerThousand / 1000), plan.SoakSegment, plan.SoakRate), $"{phase}-chat");
                var streams = wrk.RunAsync(new WrkRequest(path.ChatUrl, bodies.Stream, plan.SoakStreamRate * 2, plan.SoakSegment, plan.SoakStreamRate, streamHeaders), $"{phase}-streams");
                await Task.WhenAll(chat, streams);
                var use = cpu.Stop();
                var figures = monitor.Figures().Single();
                var segment = new SoakSegment(i, plan.SoakSegment.TotalSeconds, chat.Result, streams.Result, use,
                    figures.PeakRssByPhase.GetValueOrDefault(phase), figures.PeakAnonByPhase.GetValueOrDefault(phase));
                segments.Add(segment);
                Progress($"soak {i}/{plan.SoakSegments}: {chat.Result.RequestsPerSecond:N0} req/s p99 {Format.Us(chat.Result.Latency.P99)}, {streams.Result.RequestsPerSecond:N0} streams/s, RSS peak {Format.Mb(segment.PeakRss)}, errors {chat.Result.Errors.Total + streams.Result.Errors.Total}");
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
        {
            failure = ex.Message;
            Progress($"soak: stopped: {failure}");
        }
        finally
        {
            process?.Dispose();
        }

        Soak = new SoakRun(plan.SoakRate, plan.SoakStreamRate, startupMs, warmup, segments, failure);
    }
}
