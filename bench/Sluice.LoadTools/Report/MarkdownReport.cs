using System.Globalization;
using System.Text;
using Sluice.LoadTools.Processes;

namespace Sluice.LoadTools.Report;

/// <summary>Renders a <see cref="BenchReport"/> as the markdown tables docs/benchmarks.md keeps.</summary>
internal static class MarkdownReport
{
    private static readonly string[] PathOrder = ["direct", "nginx", "sluice", "portkey", "bare"];
    private static readonly Dictionary<string, string> Labels = new() { ["direct"] = "direct (no proxy)", ["nginx"] = "nginx", ["sluice"] = "Sluice", ["portkey"] = "Portkey", ["bare"] = ".NET bare forwarder" };

    public static string Render(BenchReport report)
    {
        var md = new StringBuilder();
        var run = report.Run;
        var machine = report.Machine;
        md.AppendLine(CultureInfo.InvariantCulture, $"## Sluice load benchmark, {run.Started:yyyy-MM-dd HH:mm} UTC ({run.Mode} mode, {run.DurationSeconds:0} s)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {machine.LogicalCpus} logical CPUs, {machine.CpuModel}, {machine.MemoryGiB} GiB RAM, {machine.Os}, kernel {machine.Kernel}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Software: Sluice {machine.SluiceCommit ?? "unknown commit"} (Release, {machine.DotnetRuntime}), {machine.Nginx ?? "nginx ?"}, {machine.Wrk ?? "wrk ?"}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- CPUs: proxy under test ({(report.Portkey is { NotMeasuredReason: null } ? "nginx, Sluice or Portkey" : "nginx or Sluice")}, one loaded at a time) on CPU {run.ProxyCpus ?? "any"}; wrk, the SSE client and the fake upstream (`sluice simulate`) on CPU {run.LoadCpus ?? "any"}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Other processes just before the run: {Format.Percent(run.BackgroundOtherPercent)} of a core (CPUs busy: {string.Join(", ", run.BackgroundCpuBusyPercent.Select(Format.Percent))}); load average {run.LoadAverageBefore} before, {run.LoadAverageAfter} after");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Sluice start-up to /ready: {run.SluiceStartupMs:0} ms; Sluice options: {(run.SluiceArguments.Count == 0 ? "none beyond ports" : "`" + string.Join(' ', run.SluiceArguments) + "`")} (nginx: `access_log off`)");
        Portkey(md, report.Portkey);
        if (run.SluiceEnvironment.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **What-if run**, Sluice environment: {string.Join(", ", run.SluiceEnvironment.Select(static e => $"`{e.Key}={e.Value}`"))}");
        }

        md.AppendLine();
        Warmup(md, report);

        Passthrough(md, report);
        FixedRates(md, report);
        SingleConnection(md, report);
        Streaming(md, report);
        Memory(md, report);
        FeatureReport.Render(md, report);
        Targets(md, report);
        Micro(md, report);
        if (report.Notes.Count > 0)
        {
            md.AppendLine("### Notes");
            md.AppendLine();
            foreach (var note in report.Notes)
            {
                md.AppendLine("- " + note);
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static void Passthrough(StringBuilder md, BenchReport report)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"### Non-streaming passthrough (POST /v1/chat/completions, ~700-byte answer, {report.Plan.MaxThroughputConnections} connections, closed loop)");
        md.AppendLine();
        md.AppendLine("| Path | max req/s | p50 | p99 | proxy CPU | req/s per proxy core | errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var run in Ordered(report.Wrk, Scenarios.Passthrough))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Label(run)} | {Format.Count(run.Result.RequestsPerSecond)} | {Format.Us(run.Result.Latency.P50)} | {Format.Us(run.Result.Latency.P99)} | {ProxyCpu(run)} | {PerCore(run)} | {run.Result.Errors.Total} |");
        }

        var large = Ordered(report.Wrk, Scenarios.LargeBody).ToList();
        if (large.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"100 KB request bodies ({report.Plan.LargeBodyConnections} connections; the bulk sits in a field the fake upstream skips, so it does not tokenize it):");
            md.AppendLine();
            md.AppendLine("| Path | max req/s | p50 | p99 | proxy CPU | errors |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var run in large)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {Label(run)} | {Format.Count(run.Result.RequestsPerSecond)} | {Format.Us(run.Result.Latency.P50)} | {Format.Us(run.Result.Latency.P99)} | {ProxyCpu(run)} | {run.Result.Errors.Total} |");
            }
        }

        md.AppendLine();
    }

    private static void FixedRates(StringBuilder md, BenchReport report)
    {
        var runs = report.Wrk.Where(static r => r.Scenario == Scenarios.FixedRate).ToList();
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("### Fixed rates: p50 / p99 (achieved rate)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"wrk sends on a fixed schedule ({report.Plan.FixedRateConnectionsPerThousand} connections per 1,000 req/s); latency counts from the write, so an achieved rate below the target means the path could not keep up.");
        md.AppendLine();
        var paths = Shown(report).ToList();
        md.AppendLine("| Target rate | " + string.Join(" | ", paths.Select(static p => Labels[p])) + " |");
        md.AppendLine("|---|" + string.Concat(paths.Select(static _ => "---:|")));
        foreach (var rate in runs.Select(static r => r.TargetRate).Distinct())
        {
            var cells = paths.Select(path => runs.FirstOrDefault(r => r.TargetRate == rate && r.Path == path))
                .Select(static r => r is null ? "-" : $"{Format.Us(r.Result.Latency.P50)} / {Format.Us(r.Result.Latency.P99)} ({Format.Count(r.Result.RequestsPerSecond)}/s{(r.Result.Errors.Total > 0 ? $", {r.Result.Errors.Total} errors" : string.Empty)}){(r.Cpu.Noisy ? " †" : string.Empty)}");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Format.Count(rate ?? 0)} req/s | {string.Join(" | ", cells)} |");
        }

        md.AppendLine();
    }

    private static void SingleConnection(StringBuilder md, BenchReport report)
    {
        var runs = Ordered(report.Wrk, Scenarios.SingleConnection).ToList();
        var direct = runs.FirstOrDefault(static r => r.Path == "direct");
        md.AppendLine("### Added latency at concurrency 1 (one connection, closed loop)");
        md.AppendLine();
        md.AppendLine("| Path | req/s | p50 | p90 | p99 | p99.9 | added p50 | added p99 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in runs)
        {
            var added = direct is null || run.Path == "direct"
                ? "- | -"
                : $"{Format.Us(run.Result.Latency.P50 - direct.Result.Latency.P50, signed: true)} | {Format.Us(run.Result.Latency.P99 - direct.Result.Latency.P99, signed: true)}";
            var latency = run.Result.Latency;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Label(run)} | {Format.Count(run.Result.RequestsPerSecond)} | {Format.Us(latency.P50)} | {Format.Us(latency.P90)} | {Format.Us(latency.P99)} | {Format.Us(latency.P999)} | {added} |");
        }

        if (runs.Any(static r => r.Path == "bare"))
        {
            md.AppendLine();
            md.AppendLine("The .NET bare forwarder is a reference, not a peer (bench/Sluice.BareForwarder): Kestrel in, HttpClient out, headers and body copied, Sluice's runtime settings, no Sluice code. What it adds is what the .NET server and client stack costs on this machine; what Sluice adds beyond it is Sluice's.");
        }

        md.AppendLine();
    }

    private static void Streaming(StringBuilder md, BenchReport report)
    {
        var plan = report.Plan;
        md.AppendLine(CultureInfo.InvariantCulture, $"### Streaming ({plan.StreamChunks}-chunk SSE answers)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Max streams/s: wrk, {plan.MaxThroughputConnections} connections, unpaced. TTFT and gaps: {plan.StreamLatencySamples} sequential streams at {plan.StreamLatencyTokensPerSecond:0} tokens/s (a chunk every {1000 / plan.StreamLatencyTokensPerSecond:0.#} ms), timed by the .NET SSE client. Stall-free streams: the largest tried level ({string.Join(", ", plan.ConcurrencyLevels)}) at which every concurrent stream at {plan.ConcurrencyTokensPerSecond:0} tokens/s completed with its first token within {plan.StallFirstToken.TotalMilliseconds:0} ms and no gap above {plan.StallGap.TotalMilliseconds:0} ms.");
        md.AppendLine();
        md.AppendLine("| Path | max streams/s | proxy CPU | TTFT p50 / p99 | added TTFT p50 / p99 | chunk gap p50 / p99 | added gap p50 / p99 | stall-free concurrent streams |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var directLatency = report.StreamLatency.FirstOrDefault(static s => s.Path == "direct")?.Result;
        foreach (var path in Shown(report))
        {
            var throughput = TargetEvaluator.Find(report.Wrk, Scenarios.StreamThroughput, path);
            var latency = report.StreamLatency.FirstOrDefault(s => s.Path == path)?.Result;
            var concurrency = report.StreamConcurrency.FirstOrDefault(s => s.Path == path);
            var ttft = latency is null ? "-" : $"{Format.Us(latency.FirstTokenUs.P50)} / {Format.Us(latency.FirstTokenUs.P99)}";
            var gap = latency is null ? "-" : $"{Format.Us(latency.GapUs.P50)} / {Format.Us(latency.GapUs.P99)}";
            var addedTtft = latency is null || directLatency is null || path == "direct" ? "-"
                : $"{Format.Us(latency.FirstTokenUs.P50 - directLatency.FirstTokenUs.P50, signed: true)} / {Format.Us(latency.FirstTokenUs.P99 - directLatency.FirstTokenUs.P99, signed: true)}";
            var addedGap = latency is null || directLatency is null || path == "direct" ? "-"
                : $"{Format.Us(latency.GapUs.P50 - directLatency.GapUs.P50, signed: true)} / {Format.Us(latency.GapUs.P99 - directLatency.GapUs.P99, signed: true)}";
            var failures = latency is { Failed: > 0 } ? $" ({latency.Failed} failed: {latency.FirstError})" : string.Empty;
            var stallFree = concurrency is null ? "-" : (concurrency.LimitNotReached ? "≥ " : string.Empty) + Format.Count(concurrency.MaxStallFree);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {(throughput is null ? Labels[path] : Label(throughput))} | {(throughput is null ? "-" : Format.Count(throughput.Result.RequestsPerSecond))} | {(throughput is null ? "-" : ProxyCpu(throughput))} | {ttft}{failures} | {addedTtft} | {gap} | {addedGap} | {stallFree} |");
        }

        md.AppendLine();
        var levels = report.StreamConcurrency.SelectMany(static c => c.Levels.Select(l => (c.Path, Level: l))).ToList();
        if (levels.Count > 0)
        {
            md.AppendLine("Concurrency levels (stall-free / stalled / failed; first-token p99; gap p99 and max):");
            md.AppendLine();
            md.AppendLine("| Path | streams | stall-free | stalled | failed | TTFT p99 | gap p99 | gap max | took | proxy RSS peak |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (path, level) in levels)
            {
                var error = level.FirstError is null ? string.Empty : $" ({level.FirstError})";
                var rss = report.Memory.FirstOrDefault(m => m.Process == path)?.PeakRssByPhase.GetValueOrDefault(Phases.Streams(level.Streams, path)) ?? 0;
                md.AppendLine(CultureInfo.InvariantCulture, $"| {Labels[path]} | {level.Streams} | {level.StallFree} | {level.Stalled} | {level.Failed}{error} | {Format.Us(level.FirstTokenUs.P99)} | {Format.Us(level.GapUs.P99)} | {Format.Us(level.GapUs.Max)} | {level.SecondsTaken:0.0} s | {(path == "direct" ? "-" : Format.Mb(rss))} |");
            }

            md.AppendLine();
        }
    }

    private static void Memory(StringBuilder md, BenchReport report)
    {
        md.AppendLine("### Memory (RSS, 1 MB = 10^6 bytes; sampled every 250 ms)");
        md.AppendLine();
        md.AppendLine("RssAnon is RSS without mapped files (the runtime and framework DLLs, shared with every .NET process) and shared memory (the JIT's double-mapped code): the part that grows with load.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| Process | RSS idle (after start) | RSS peak under load | RssAnon idle → peak | RSS after load ({report.Plan.Cooldown.TotalSeconds:0} s idle) | VmHWM |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var figures in report.Memory)
        {
            var label = figures.Process switch { "nginx" => "nginx (master + worker)", "portkey" => "Portkey (node)", _ => "Sluice" };
            var anonPeak = Phases.LoadPeak(figures.PeakAnonByPhase, figures.Process);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {Format.Mb(figures.PeakRssByPhase.GetValueOrDefault(Phases.Idle))} | {Format.Mb(TargetEvaluator.LoadPeak(figures))} | {Format.Mb(figures.PeakAnonByPhase.GetValueOrDefault(Phases.Idle))} → {Format.Mb(anonPeak)} | {Format.Mb(figures.PeakRssByPhase.GetValueOrDefault(Phases.After))} | {Format.Mb(figures.HighWaterMark)} |");
        }

        var sluice = report.Memory.FirstOrDefault(static m => m.Process == "sluice");
        if (sluice is not null)
        {
            md.AppendLine();
            md.AppendLine("Sluice RSS peak by phase: " + string.Join(", ", sluice.PeakRssByPhase.Where(static p => p.Key != "start" && !p.Key.StartsWith("streams-", StringComparison.Ordinal)).Select(static p => $"{p.Key} {Format.Mb(p.Value)}")) + " (per stream level: see the concurrency table).");
        }

        md.AppendLine();
    }

    private static void Targets(StringBuilder md, BenchReport report)
    {
        md.AppendLine("### Targets (issue 7)");
        md.AppendLine();
        md.AppendLine("| Target | Measured | Status | Notes |");
        md.AppendLine("|---|---|---|---|");
        foreach (var verdict in report.Targets)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {verdict.Target} | {verdict.Measured} | **{verdict.Status}** | {verdict.Note} |");
        }

        md.AppendLine();
    }

    private static void Micro(StringBuilder md, BenchReport report)
    {
        if (report.Micro.Count == 0)
        {
            return;
        }

        md.AppendLine("### Micro-benchmarks (BenchmarkDotNet, MemoryDiagnoser)");
        md.AppendLine();
        md.AppendLine("| Benchmark | Parameters | Mean | Allocated per op |");
        md.AppendLine("|---|---|---:|---:|");
        foreach (var result in report.Micro)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {result.Benchmark} | {(result.Parameters.Length == 0 ? "-" : result.Parameters)} | {Format.Ns(result.MeanNs)} | {Format.Bytes(result.AllocatedBytes)} |");
        }

        md.AppendLine();
    }

    private static void Warmup(StringBuilder md, BenchReport report)
    {
        if (report.Warmup.Count == 0)
        {
            return;
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"### Warm-up (closed loop, {report.Plan.MaxThroughputConnections} connections, req/s per {report.Warmup[0].RoundSeconds:0} s round)");
        md.AppendLine();
        foreach (var curve in report.Warmup.OrderBy(static w => Array.IndexOf(PathOrder, w.Path)))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {Labels[curve.Path]}: {string.Join(", ", curve.RequestsPerSecond.Select(Format.Count))}{(curve.Steady ? string.Empty : " (still changing when the warm-up ended)")}");
        }

        md.AppendLine();
    }

    /// <summary>The run's Portkey line: what ran and how it was routed, or why it was not measured.</summary>
    private static void Portkey(StringBuilder md, PortkeyInfo? portkey)
    {
        if (portkey is null)
        {
            return; // a run from before the Portkey path
        }

        if (portkey.NotMeasuredReason is not null)
        {
            md.AppendLine($"- Portkey: not measured ({portkey.NotMeasuredReason})");
            return;
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"- Portkey: {PortkeyGateway.PackageName} {portkey.Version} on Node {portkey.NodeVersion}, start-up to `GET /` {portkey.StartupMs:0} ms; `{portkey.Command}`; every request carries `{portkey.ConfigHeader}`");
    }

    /// <summary>The paths of the comparison tables: Portkey only when the run measured it.</summary>
    private static IEnumerable<string> Shown(BenchReport report) =>
        PathOrder.Where(p => p != "portkey" || report.Wrk.Any(r => r.Path == p) || report.StreamLatency.Any(r => r.Path == p) || report.StreamConcurrency.Any(r => r.Path == p));

    private static string Label(WrkRun run) => Labels[run.Path] + (run.Cpu.Noisy ? " †" : string.Empty);

    private static IEnumerable<WrkRun> Ordered(IEnumerable<WrkRun> runs, string scenario) =>
        runs.Where(r => r.Scenario == scenario).OrderBy(static r => Array.IndexOf(PathOrder, r.Path));

    private static string ProxyCpu(WrkRun run) => run.Path == "direct" ? "-" : Format.Percent(run.Cpu.ProxyPercent);

    private static string PerCore(WrkRun run) => run.Path == "direct" ? "-" : Format.Count(TargetEvaluator.PerCore(run));
}
