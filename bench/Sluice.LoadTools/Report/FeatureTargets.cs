using System.Globalization;
using Sluice.LoadTools.Configs;

namespace Sluice.LoadTools.Report;

/// <summary>
/// The verdicts that rest on the extra Sluice processes: governance on, the provider paths, 10,000 models, the
/// control plane and the soak. Issue 7 sets numbers for governance (≥ 0.8× the passthrough) and the soak (flat
/// RSS); the others are measured and compared with the plain passthrough of the same run.
/// </summary>
internal static class FeatureTargets
{
    public const string Measured = "measured";

    /// <summary>Growth over the soak still called flat: the larger of this and <see cref="SoakFlatFraction"/> of the RSS.</summary>
    public const long SoakFlatBytes = 5_000_000;

    public const double SoakFlatFraction = 0.03;

    public static TargetVerdict Governance(BenchReport report)
    {
        const string target = "Governance on ≥ 0.8× passthrough (client keys, token costs, token rate limit, access log)";
        var (passthrough, governed, failure) = Pair(report, "governance", Scenarios.Passthrough);
        if (failure is not null)
        {
            return new(target, "-", TargetEvaluator.NotMeasured, failure);
        }

        var ratio = governed!.Result.RequestsPerSecond / passthrough!.Result.RequestsPerSecond;
        var streams = Ratio(report, "governance", Scenarios.StreamThroughput);
        var errors = governed.Result.Errors.Total;
        var note = Invariant($"{Format.Count(governed.Result.RequestsPerSecond)} req/s governed against {Format.Count(passthrough.Result.RequestsPerSecond)} plain, both fresh processes on one proxy core; streams {Format.Ratio(streams)}.{(errors > 0 ? $" {errors} errors (429s?)." : string.Empty)}");
        return TargetEvaluator.Judge(target, Format.Ratio(ratio), ratio >= 0.8 && errors == 0 ? TargetEvaluator.Met : TargetEvaluator.NotMet, note, passthrough, governed);
    }

    public static TargetVerdict Variant(BenchReport report, string key, string target)
    {
        var (passthrough, variant, failure) = Pair(report, key, Scenarios.Passthrough);
        if (failure is not null)
        {
            return new(target, "-", TargetEvaluator.NotMeasured, failure);
        }

        var run = report.Variants.First(v => v.Key == key);
        var ratio = variant!.Result.RequestsPerSecond / passthrough!.Result.RequestsPerSecond;
        var streams = Ratio(report, key, Scenarios.StreamThroughput);
        var addedP99 = AddedP99(report, run);
        var errors = run.Runs.Sum(static r => r.Result.Errors.Total);
        var measured = Invariant($"{Format.Ratio(ratio)} passthrough req/s; streams {Format.Ratio(streams)}; added p99 at c=1 {Format.Us(addedP99, signed: true)}");
        var note = Invariant($"{run.What}. {Format.Count(variant.Result.RequestsPerSecond)} req/s; start-up {run.StartupMs:0} ms; RSS peak {Format.Mb(run.PeakRss)}.{(errors > 0 ? $" {errors} errors." : string.Empty)}");
        return TargetEvaluator.Judge(target, measured, errors == 0 ? Measured : TargetEvaluator.NotMet, note, passthrough, variant);
    }

    public static TargetVerdict Reload(ControlPlaneRun? run)
    {
        var target = Invariant($"Load and hot reload of a {run?.Routes ?? 2000:N0}-route config under load");
        if (run is null || run.DuringReloads is null || run.Baseline is null)
        {
            return new(target, "-", TargetEvaluator.NotMeasured, run?.Failure ?? "the run did not get this far");
        }

        var errors = run.DuringReloads.Result.Errors.Total;
        var measured = Invariant($"load {run.LoadMs:0} ms; reloads {string.Join(", ", run.ReloadMs.Select(static m => m.ToString("0", CultureInfo.InvariantCulture)))} ms; {errors} failed requests");
        var note = Invariant($"{run.ConfigBytes / 1000:N0} KB of YAML. Reload time is from replacing the file to the first request the new config answers; Sluice polls its files every 500 ms and waits 100 ms for a writer to finish, so about 350 ms of it is waiting. Under {run.DuringReloads.Connections}-connection load: p99 {Format.Us(run.Baseline.Result.Latency.P99)} without reloads, {Format.Us(run.DuringReloads.Result.Latency.P99)} with them.");
        return TargetEvaluator.Judge(target, measured, errors == 0 ? Measured : TargetEvaluator.NotMet, note, run.Baseline, run.DuringReloads);
    }

    public static TargetVerdict Soak(SoakRun? soak)
    {
        var target = "RSS flat over the soak (mixed fixed-rate load on a fresh, warmed-up Sluice)";
        if (soak is null || soak.Segments.Count < 2)
        {
            return new(target, "-", TargetEvaluator.NotMeasured, soak?.Failure ?? "no soak in this run (it needs at least two segments)");
        }

        // The first segment still grows the heap to its working size; growth after it is what a leak looks like.
        var first = soak.Segments[Math.Min(1, soak.Segments.Count - 2)];
        var last = soak.Segments[^1];
        var growth = last.PeakRss - first.PeakRss;
        var flat = growth <= Math.Max(SoakFlatBytes, (long)(first.PeakRss * SoakFlatFraction));
        var minutes = soak.Segments.Sum(static s => s.Seconds) / 60;
        var errors = soak.Segments.Sum(static s => s.Chat.Errors.Total + s.Streams.Errors.Total);
        var measured = Invariant($"{Format.Mb(first.PeakRss)} → {Format.Mb(last.PeakRss)} ({(growth >= 0 ? "+" : "-")}{Format.Mb(Math.Abs(growth)).Replace("n/a", "0.0 MB", StringComparison.Ordinal)})");
        var note = Invariant($"{minutes:0.#} minutes at {soak.ChatRate:N0} req/s and {soak.StreamRate} streams/s; RSS peak of segment {first.Index} against the last; p99 of the non-streamed requests {Format.Us(soak.Segments[0].Chat.Latency.P99)} in the first segment, {Format.Us(last.Chat.Latency.P99)} in the last; {errors} errors. Highest RSS of the soak: {Format.Mb(soak.Segments.Max(static s => s.PeakRss))}.");
        var noisy = soak.Segments.Where(static s => s.Cpu.Noisy).Select(static s => s.Index).ToList();
        if (noisy.Count > 0)
        {
            note += $" Segments {string.Join(", ", noisy)} were noisy (other processes used over 20 % of a core); RSS does not depend on that much.";
        }

        return new(target, measured, flat && errors == 0 ? TargetEvaluator.Met : TargetEvaluator.NotMet, note);
    }

    /// <summary>
    /// What variants are compared with for <paramref name="scenario"/>: the plain passthrough in a fresh process,
    /// measured the same way just before them, when it ran; else the main Sluice's run.
    /// </summary>
    public static WrkRun? Baseline(BenchReport report, string scenario) =>
        report.Variants.FirstOrDefault(static v => v.Key == SluiceVariant.PlainKey && v.Failure is null)?.Runs.FirstOrDefault(r => r.Scenario == scenario)
        ?? TargetEvaluator.Find(report.Wrk, scenario, "sluice");

    /// <summary>The baseline run of <paramref name="scenario"/> and the variant's, or why they cannot be compared.</summary>
    private static (WrkRun? Passthrough, WrkRun? Variant, string? Failure) Pair(BenchReport report, string key, string scenario)
    {
        var run = report.Variants.FirstOrDefault(v => v.Key == key);
        var passthrough = Baseline(report, scenario);
        var variant = run?.Runs.FirstOrDefault(r => r.Scenario == scenario);
        return run switch
        {
            null => (null, null, "no such Sluice process in this run"),
            { Failure: { } failure } => (null, null, "could not run: " + failure),
            _ when passthrough is null || variant is null => (null, null, "the run did not finish this scenario"),
            _ => (passthrough, variant, null),
        };
    }

    private static double Ratio(BenchReport report, string key, string scenario) =>
        Pair(report, key, scenario) is ({ } passthrough, { } variant, null)
            ? variant.Result.RequestsPerSecond / passthrough.Result.RequestsPerSecond
            : double.NaN;

    /// <summary>The variant's concurrency-1 p99 minus the direct path's of the main run.</summary>
    public static double AddedP99(BenchReport report, VariantRun run) =>
        (TargetEvaluator.Find(report.Wrk, Scenarios.SingleConnection, "direct"), run.Runs.FirstOrDefault(static r => r.Scenario == Scenarios.SingleConnection)) is ({ } direct, { } single)
            ? single.Result.Latency.P99 - direct.Result.Latency.P99
            : double.NaN;

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
