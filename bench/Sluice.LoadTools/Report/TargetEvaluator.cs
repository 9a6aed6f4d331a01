using System.Globalization;
using Sluice.LoadTools.Load;
using Sluice.LoadTools.Processes;

namespace Sluice.LoadTools.Report;

/// <summary>
/// Judges the run against issue 7's targets, all as ratios or differences measured in the same run, and lists
/// what is not measured yet so no row is left looking done.
/// </summary>
internal static class TargetEvaluator
{
    public const string Met = "met";
    public const string NotMet = "not met";
    public const string NotMeasured = "not measured yet";

    /// <summary>A comparison row (Portkey): numbers, no threshold to meet.</summary>
    public const string Measured = "measured";

    /// <summary>A run the verdict rests on had other processes using more than a fifth of a core: re-run it.</summary>
    public const string Inconclusive = "inconclusive (noisy)";

    /// <summary>RSS under load must stay below this (decimal megabytes, as the target is written).</summary>
    public const long RssLimitBytes = 150_000_000;

    public const double AddedP99LimitUs = 250;

    public static IReadOnlyList<TargetVerdict> Evaluate(BenchReport report)
    {
        var wrk = report.Wrk;
        var verdicts = new List<TargetVerdict>
        {
            ThroughputRatio(wrk, Scenarios.Passthrough, "Passthrough throughput ≥ 0.5× nginx (non-streaming, max req/s)"),
            ThroughputRatio(wrk, Scenarios.StreamThroughput, "Streaming throughput ≥ 0.5× nginx (20-chunk SSE, max streams/s)"),
            AddedLatency(wrk),
            Rss(report.Memory, report.Variants),
            FeatureTargets.Governance(report),
            FeatureTargets.Soak(report.Soak),
            Allocations(report.Micro, "Passthrough allocates nothing proportional to request body size (micro-benchmarks)", requestBody: true),
            Allocations(report.Micro, "SSE copy allocates nothing per event (micro-benchmarks, 20 vs 200 events)", requestBody: false),
            FeatureTargets.Variant(report, "azure", "Azure OpenAI path (Entra token, deployment path)"),
            FeatureTargets.Variant(report, "bedrock", "AWS Bedrock path (Converse translation, SigV4, event-stream decoding)"),
            FeatureTargets.Variant(report, "models", "10,000-model routing end to end"),
            FeatureTargets.Variant(report, "aot", "Native AOT build (plain passthrough config)"),
            FeatureTargets.Reload(report.ControlPlane),
        };
        verdicts.Add(PortkeyComparison(wrk, report.Portkey));
        return verdicts;
    }

    private static TargetVerdict ThroughputRatio(IReadOnlyList<WrkRun> wrk, string scenario, string target)
    {
        var nginx = Find(wrk, scenario, "nginx");
        var sluice = Find(wrk, scenario, "sluice");
        if (nginx is null || sluice is null)
        {
            return new(target, "-", NotMeasured, "the run did not finish this scenario");
        }

        var ratio = sluice.Result.RequestsPerSecond / nginx.Result.RequestsPerSecond;
        var perCore = PerCore(sluice) / PerCore(nginx);
        var errors = sluice.Result.Errors.Total + nginx.Result.Errors.Total;
        var note = string.Create(CultureInfo.InvariantCulture,
            $"Sluice {Format.Count(sluice.Result.RequestsPerSecond)}/s at {Format.Percent(sluice.Cpu.ProxyPercent)} of its core, nginx {Format.Count(nginx.Result.RequestsPerSecond)}/s at {Format.Percent(nginx.Cpu.ProxyPercent)}; per proxy-core-second {Format.Ratio(perCore)}.");
        if (nginx.Cpu.ProxyPercent < 85)
        {
            note += " nginx was not CPU-bound (the load core with wrk and the fake upstream was the limit), so the ratio flatters Sluice; the per-core ratio is the fairer one.";
        }

        if (errors > 0)
        {
            note += $" {errors} errors in these runs.";
        }

        var status = ratio >= 0.5 && errors == 0 ? Met : NotMet;
        return Judge(target, Format.Ratio(ratio), status, note, nginx, sluice);
    }

    /// <summary>
    /// Sluice next to Portkey's gateway in the same run: throughput ratios (Sluice ÷ Portkey, per request and per
    /// proxy-core-second) and the p99 each adds at concurrency 1. A comparison, so its status is "measured".
    /// </summary>
    private static TargetVerdict PortkeyComparison(IReadOnlyList<WrkRun> wrk, PortkeyInfo? info)
    {
        const string target = "Portkey gateway comparison (same upstream, same proxy CPU)";
        var portkey = Find(wrk, Scenarios.Passthrough, "portkey");
        var sluice = Find(wrk, Scenarios.Passthrough, "sluice");
        if (portkey is null || sluice is null)
        {
            var why = info is null ? "this run predates the Portkey path" : info.NotMeasuredReason ?? "the run did not finish this scenario";
            return new(target, "-", "not measured", why);
        }

        var streamPortkey = Find(wrk, Scenarios.StreamThroughput, "portkey");
        var streamSluice = Find(wrk, Scenarios.StreamThroughput, "sluice");
        var direct1 = Find(wrk, Scenarios.SingleConnection, "direct");
        var portkey1 = Find(wrk, Scenarios.SingleConnection, "portkey");
        var sluice1 = Find(wrk, Scenarios.SingleConnection, "sluice");
        // A negative difference means the direct run's tail was the noisier one (see AddedLatency): it says nothing.
        string Added(WrkRun? run) => run is null || direct1 is null ? "n/a"
            : run.Result.Latency.P99 < direct1.Result.Latency.P99 ? "n/a (the direct run's p99 was the noisier)"
            : Format.Us(run.Result.Latency.P99 - direct1.Result.Latency.P99, signed: true);
        var streams = streamPortkey is null || streamSluice is null ? "n/a" : Format.Ratio(streamSluice.Result.RequestsPerSecond / streamPortkey.Result.RequestsPerSecond);
        var measured = $"Sluice {Format.Ratio(sluice.Result.RequestsPerSecond / portkey.Result.RequestsPerSecond)} Portkey's req/s, {streams} its streams/s; added p99 at c=1: Portkey {Added(portkey1)}, Sluice {Added(sluice1)}";

        var note = string.Create(CultureInfo.InvariantCulture,
            $"Portkey {info?.Version ?? "?"} on Node {info?.NodeVersion ?? "?"}: {Format.Count(portkey.Result.RequestsPerSecond)} req/s at {Format.Percent(portkey.Cpu.ProxyPercent)} of its core (Sluice {Format.Count(sluice.Result.RequestsPerSecond)}/s at {Format.Percent(sluice.Cpu.ProxyPercent)}); per proxy-core-second Sluice {Format.Ratio(PerCore(sluice) / PerCore(portkey))} Portkey.");
        if (streamPortkey is not null && streamSluice is not null)
        {
            note += $" Streams: {Format.Count(streamPortkey.Result.RequestsPerSecond)}/s at {Format.Percent(streamPortkey.Cpu.ProxyPercent)} (Sluice {Format.Count(streamSluice.Result.RequestsPerSecond)}/s).";
        }

        WrkRun?[] runs = [portkey, sluice, streamPortkey, streamSluice, direct1, portkey1, sluice1];
        var errors = runs.Where(static r => r?.Path == "portkey").Sum(static r => r!.Result.Errors.Total);
        if (errors > 0)
        {
            note += $" {errors} errors in Portkey's runs.";
        }

        var noisy = runs.OfType<WrkRun>().Where(static r => r.Cpu.Noisy).ToList();
        if (noisy.Count > 0)
        {
            note += $" Rough: other processes used {string.Join(" and ", noisy.Select(static r => $"{Format.Percent(r.Cpu.OtherPercent)} of a core during the {r.Scenario} {r.Path} run"))}.";
        }

        return new(target, measured, Measured, note);
    }

    private static TargetVerdict AddedLatency(IReadOnlyList<WrkRun> wrk)
    {
        const string target = "Added p99 at concurrency 1 < 250 µs (Sluice p99 − direct p99)";
        var direct = Find(wrk, Scenarios.SingleConnection, "direct");
        var sluice = Find(wrk, Scenarios.SingleConnection, "sluice");
        var nginx = Find(wrk, Scenarios.SingleConnection, "nginx");
        if (direct is null || sluice is null)
        {
            return new(target, "-", NotMeasured, "the run did not finish this scenario");
        }

        var added = sluice.Result.Latency.P99 - direct.Result.Latency.P99;
        var note = $"p99 direct {Format.Us(direct.Result.Latency.P99)}, Sluice {Format.Us(sluice.Result.Latency.P99)}";
        if (nginx is not null)
        {
            note += $", nginx {Format.Us(nginx.Result.Latency.P99)} (nginx adds {Format.Us(nginx.Result.Latency.P99 - direct.Result.Latency.P99, signed: true)})";
        }

        var status = added < AddedP99LimitUs && sluice.Result.Errors.Total == 0 ? Met : NotMet;
        if (added < 0)
        {
            // A proxy cannot take time away: the direct run's tail (GC pauses of the fake upstream, scheduling
            // hiccups on the load core) was worse than the proxied one's.
            return new(target, Format.Us(added, signed: true), Inconclusive,
                $"negative: the direct run's p99 was the noisier one, so the difference says nothing. {note}.");
        }

        return Judge(target, Format.Us(added, signed: true), status, note + ".", direct, sluice);
    }

    private static TargetVerdict Rss(IReadOnlyList<MemoryFigures> memory, IReadOnlyList<VariantRun> variants)
    {
        const string target = "Sluice RSS < 150 MB under load";
        var sluice = memory.FirstOrDefault(static m => m.Process == "sluice");
        if (sluice is null)
        {
            return new(target, "-", NotMeasured, "no memory samples");
        }

        var peak = LoadPeak(sluice);
        var phases = sluice.PeakRssByPhase.Where(static p => Phases.IsLoadOf(p.Key, "sluice")).OrderByDescending(static p => p.Value).Take(3)
            .Select(static p => $"{p.Key} {Format.Mb(p.Value)}");
        var passthrough = sluice.PeakRssByPhase.GetValueOrDefault(Scenarios.Passthrough);
        var aot = variants.FirstOrDefault(static v => v.Key == "aot" && v.Failure is null) is { } run
            ? $" Native AOT build (its own process): idle {Format.Mb(run.IdleRss)}, {(run.DescribePeaks() is { } byPhase ? $"at 64-connection passthrough {run.DescribePassthroughPeak()} (peak by phase: {byPhase})" : $"peak over all its load {Format.Mb(run.PeakRss)}")}."
            : "";
        return new(target, Format.Mb(peak), peak < RssLimitBytes ? Met : NotMet,
            $"highest 250 ms sample over Sluice's own load phases (highest: {string.Join(", ", phases)}); at 64-connection passthrough {Format.Mb(passthrough)}; idle {Format.Mb(sluice.PeakRssByPhase.GetValueOrDefault(Phases.Idle))}.{aot}");
    }

    private static TargetVerdict Allocations(IReadOnlyList<MicroResult> micro, string target, bool requestBody)
    {
        // Pair each small-body (or 20-event) result with its 100 KB (or 200-event) twin of the same other parameters.
        var pairs = micro
            .Select(static m => (Result: m, Size: SizeOf(m.Parameters), Key: m.Benchmark + "|" + WithoutSize(m.Parameters)))
            .Where(static m => m.Size is not null)
            .GroupBy(static m => m.Key)
            .Select(static g => (Name: g.Key.Replace("|", " ", StringComparison.Ordinal).Trim(),
                Small: g.FirstOrDefault(static m => m.Size is "Small" or "20").Result,
                Large: g.FirstOrDefault(static m => m.Size is "Large100KB" or "200").Result))
            .Where(p => p.Small is not null && p.Large is not null && p.Small.Parameters.Contains("Size=", StringComparison.Ordinal) == requestBody)
            .ToList();
        if (pairs.Count == 0)
        {
            return new(target, "-", NotMeasured, "micro-benchmarks were not run (bench/run.sh --no-micro?)");
        }

        // BenchmarkDotNet averages allocations over many operations, so a few bytes of difference is rounding.
        var growing = pairs.Where(static p => p.Large!.AllocatedBytes - p.Small!.AllocatedBytes > 16).ToList();
        var measured = string.Join("; ", pairs.Select(static p => $"{Short(p.Name)} {Format.Bytes(p.Small!.AllocatedBytes)} → {Format.Bytes(p.Large!.AllocatedBytes)}"));
        return new(target, measured, growing.Count == 0 ? Met : NotMet,
            (requestBody ? "allocated bytes per operation, ~100-byte body → 100 KB body" : "allocated bytes per stream, 20 → 200 events")
            + (growing.Count == 0 ? "." : $"; grows: {string.Join(", ", growing.Select(static g => Short(g.Name)))}."));
    }

    public static TargetVerdict Judge(string target, string measured, string status, string note, params WrkRun[] runs)
    {
        var noisy = runs.Where(static r => r.Cpu.Noisy).ToList();
        return noisy.Count == 0
            ? new(target, measured, status, note)
            : new(target, measured, Inconclusive,
                $"would be {status}, but other processes used {string.Join(" and ", noisy.Select(static r => $"{Format.Percent(r.Cpu.OtherPercent)} of a core during the {r.Path} run"))}. {note}");
    }

    /// <summary>The process's RSS peak over its own load phases (the memory monitor names processes by path key).</summary>
    public static long LoadPeak(MemoryFigures figures) => Phases.LoadPeak(figures.PeakRssByPhase, figures.Process);

    public static double PerCore(WrkRun run) => run.Cpu.ProxyPercent <= 0 ? double.NaN : run.Result.RequestsPerSecond / (run.Cpu.ProxyPercent / 100);

    public static WrkRun? Find(IReadOnlyList<WrkRun> wrk, string scenario, string path) =>
        wrk.FirstOrDefault(r => r.Scenario == scenario && r.Path == path);

    // BenchmarkDotNet writes parameters as "Events=20&UsageAccounting=False".
    private static readonly string[] ParameterSeparators = ["&", ", "];

    private static string? SizeOf(string parameters) =>
        parameters.Split(ParameterSeparators, StringSplitOptions.RemoveEmptyEntries).Select(static p => p.Split('=', 2))
            .FirstOrDefault(static p => p[0] is "Size" or "Events") is [_, var value] ? value : null;

    private static string WithoutSize(string parameters) =>
        string.Join("&", parameters.Split(ParameterSeparators, StringSplitOptions.RemoveEmptyEntries)
            .Where(static p => !p.StartsWith("Size=", StringComparison.Ordinal) && !p.StartsWith("Events=", StringComparison.Ordinal)));

    private static string Short(string benchmark) => benchmark.Replace("Benchmarks.", ".", StringComparison.Ordinal);
}
