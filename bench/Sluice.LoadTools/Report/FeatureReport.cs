using System.Globalization;
using System.Text;

namespace Sluice.LoadTools.Report;

/// <summary>The markdown sections of the extra Sluice processes: variants, control plane, soak.</summary>
internal static class FeatureReport
{
    public static void Render(StringBuilder md, BenchReport report)
    {
        Variants(md, report);
        ControlPlane(md, report.ControlPlane);
        Soak(md, report.Soak);
    }

    private static void Variants(StringBuilder md, BenchReport report)
    {
        if (report.Variants.Count == 0)
        {
            return;
        }

        var plan = report.Plan;
        md.AppendLine("### Provider paths, governance and 10,000 models (one fresh Sluice process each)");
        md.AppendLine();
        md.AppendLine(Invariant($"Each config runs in its own Sluice process on the proxy CPU against the same fake upstream, warmed up (at least {plan.VariantWarmupMinimum.TotalSeconds:0} s, until steady), then measured in {plan.Rounds} rounds of {plan.VariantDuration.TotalSeconds / plan.Rounds:0.#} s per scenario, the median kept. Ratios are against the plain passthrough in a fresh process, measured the same way just before the others (the main Sluice's row when that one did not run); added p99 is against the direct path's concurrency-1 p99."));
        md.AppendLine();
        md.AppendLine("| Sluice config | start-up | max req/s | × passthrough | c=1 p50 / p99 | added p99 | max streams/s | × passthrough | proxy CPU | RSS idle → 64-connection passthrough peak | errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var passthrough = TargetEvaluator.Find(report.Wrk, Scenarios.Passthrough, "sluice");
        var streams = TargetEvaluator.Find(report.Wrk, Scenarios.StreamThroughput, "sluice");
        var single = TargetEvaluator.Find(report.Wrk, Scenarios.SingleConnection, "sluice");
        var direct = TargetEvaluator.Find(report.Wrk, Scenarios.SingleConnection, "direct");
        var main = report.Memory.FirstOrDefault(static m => m.Process == "sluice");
        var basePassthrough = FeatureTargets.Baseline(report, Scenarios.Passthrough);
        var baseStreams = FeatureTargets.Baseline(report, Scenarios.StreamThroughput);
        md.AppendLine(Invariant($"| plain passthrough (the main Sluice) | {report.Run.SluiceStartupMs:0} ms | {Count(passthrough)} | {RatioOf(passthrough, basePassthrough)} | {Latency(single)} | {Added(single, direct)} | {Count(streams)} | {RatioOf(streams, baseStreams)} | {Cpu(passthrough)} | {(main is null ? "-" : $"{Format.Mb(main.PeakRssByPhase.GetValueOrDefault(Phases.Idle))} → {Format.Mb(main.PeakRssByPhase.GetValueOrDefault(Scenarios.Passthrough))}")} | {Errors(passthrough, streams, single)} |"));
        foreach (var variant in report.Variants)
        {
            if (variant.Failure is not null)
            {
                md.AppendLine(Invariant($"| {variant.Label} | {(variant.StartupMs > 0 ? $"{variant.StartupMs:0} ms" : "-")} | not measured: {variant.Failure.Replace("|", "\\|", StringComparison.Ordinal)} | | | | | | | | |"));
                continue;
            }

            var p = variant.Runs.FirstOrDefault(static r => r.Scenario == Scenarios.Passthrough);
            var s = variant.Runs.FirstOrDefault(static r => r.Scenario == Scenarios.StreamThroughput);
            var c = variant.Runs.FirstOrDefault(static r => r.Scenario == Scenarios.SingleConnection);
            md.AppendLine(Invariant($"| {variant.Label} | {variant.StartupMs:0} ms | {Count(p)} | {RatioOf(p, basePassthrough)} | {Latency(c)} | {Added(c, direct)} | {Count(s)} | {RatioOf(s, baseStreams)} | {Cpu(p)} | {Format.Mb(variant.IdleRss)} → {variant.DescribePassthroughPeak()} | {Errors(p, s, c)} |"));
        }

        md.AppendLine();
        foreach (var variant in report.Variants)
        {
            var warmup = variant.Warmup is null ? string.Empty : $" Warm-up, req/s per round: {string.Join(", ", variant.Warmup.RequestsPerSecond.Select(Format.Count))}{(variant.Warmup.Steady ? "" : " (not steady)")}.";
            var peaks = variant.DescribePeaks() is { } byPhase ? $" RSS peak by phase: {byPhase}." : string.Empty;
            md.AppendLine(Invariant($"- **{variant.Label}**: {variant.What}.{warmup}{peaks}"));
        }

        md.AppendLine();
    }

    private static void ControlPlane(StringBuilder md, ControlPlaneRun? run)
    {
        if (run is null)
        {
            return;
        }

        md.AppendLine(Invariant($"### Control plane: {run.Routes:N0} routes"));
        md.AppendLine();
        if (run.Failure is not null)
        {
            md.AppendLine("Stopped: " + run.Failure);
            md.AppendLine();
        }

        md.AppendLine(Invariant($"- Load: a config of {run.Routes:N0} Exact model rules in {run.Routes / 100} AIGatewayRoutes ({run.ConfigBytes / 1000:N0} KB of YAML), from starting `sluice run` to `/ready`: **{run.LoadMs:0} ms**; RSS idle {Format.Mb(run.IdleRss)}, peak under load {Format.Mb(run.PeakRss)}."));
        if (run.ReloadMs.Count > 0)
        {
            md.AppendLine(Invariant($"- Hot reload under load, alternating between two such configs (the file replaced by a rename): served after **{string.Join(", ", run.ReloadMs.Select(static m => m.ToString("0", CultureInfo.InvariantCulture)))} ms** (Sluice polls its files every 500 ms and lets a writer finish for 100 ms first)."));
        }

        if (run.Baseline is { } baseline && run.DuringReloads is { } during)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"| {during.Connections} connections, closed loop | req/s | p50 | p99 | p99.9 | max | errors |"));
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var (label, wrk) in new[] { ("without reloads", baseline), ($"with {run.ReloadMs.Count} reloads", during) })
            {
                var l = wrk.Result.Latency;
                md.AppendLine(Invariant($"| {label}{(wrk.Cpu.Noisy ? " †" : "")} | {Format.Count(wrk.Result.RequestsPerSecond)} | {Format.Us(l.P50)} | {Format.Us(l.P99)} | {Format.Us(l.P999)} | {Format.Us(l.Max)} | {wrk.Result.Errors.Total} |"));
            }
        }

        md.AppendLine();
    }

    private static void Soak(StringBuilder md, SoakRun? soak)
    {
        if (soak is null)
        {
            return;
        }

        var minutes = soak.Segments.Sum(static s => s.Seconds) / 60;
        md.AppendLine(Invariant($"### Soak: {minutes:0.#} minutes of mixed load on a fresh Sluice"));
        md.AppendLine();
        md.AppendLine(Invariant($"Non-streamed requests at {soak.ChatRate:N0}/s and 20-chunk streams at {soak.StreamRate}/s (20 tokens/s, so about {soak.StreamRate} open at a time), both on a fixed schedule, after a warm-up{(soak.Warmup is null ? "" : $" ({string.Join(", ", soak.Warmup.RequestsPerSecond.Select(Format.Count))} req/s per round)")}; start-up {soak.StartupMs:0} ms."));
        md.AppendLine();
        if (soak.Failure is not null)
        {
            md.AppendLine("Stopped: " + soak.Failure);
            md.AppendLine();
        }

        md.AppendLine("| Segment | req/s | p50 / p99 | streams/s | stream p99 (whole stream) | errors | proxy CPU | RSS peak | RssAnon peak |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in soak.Segments)
        {
            md.AppendLine(Invariant($"| {s.Index}{(s.Cpu.Noisy ? " †" : "")} | {Format.Count(s.Chat.RequestsPerSecond)} | {Format.Us(s.Chat.Latency.P50)} / {Format.Us(s.Chat.Latency.P99)} | {Format.Count(s.Streams.RequestsPerSecond)} | {Format.Us(s.Streams.Latency.P99)} | {s.Chat.Errors.Total + s.Streams.Errors.Total} | {Format.Percent(s.Cpu.ProxyPercent)} | {Format.Mb(s.PeakRss)} | {Format.Mb(s.PeakAnon)} |"));
        }

        md.AppendLine();
    }

    private static string Count(WrkRun? run) => run is null ? "-" : Format.Count(run.Result.RequestsPerSecond) + (run.Cpu.Noisy ? " †" : string.Empty);

    private static string RatioOf(WrkRun? run, WrkRun? baseline) =>
        run is null || baseline is null ? "-" : Format.Ratio(run.Result.RequestsPerSecond / baseline.Result.RequestsPerSecond);

    private static string Latency(WrkRun? run) => run is null ? "-" : $"{Format.Us(run.Result.Latency.P50)} / {Format.Us(run.Result.Latency.P99)}";

    private static string Added(WrkRun? run, WrkRun? direct) =>
        run is null || direct is null ? "-" : Format.Us(run.Result.Latency.P99 - direct.Result.Latency.P99, signed: true);

    private static string Cpu(WrkRun? run) => run is null ? "-" : Format.Percent(run.Cpu.ProxyPercent);

    private static string Errors(params WrkRun?[] runs) => runs.OfType<WrkRun>().Sum(static r => r.Result.Errors.Total).ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
