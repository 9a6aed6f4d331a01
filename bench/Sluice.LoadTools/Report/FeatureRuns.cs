using Sluice.LoadTools.Load;

namespace Sluice.LoadTools.Report;

/// <summary>
/// One extra Sluice process (<see cref="Configs.SluiceVariant"/>) and what it measured: start-up, warm-up, the
/// passthrough, concurrency-1 and stream scenarios, and its memory; <paramref name="Failure"/> when it could not run.
/// </summary>
internal sealed record VariantRun(
    string Key,
    string Label,
    string What,
    double StartupMs,
    WarmupCurve? Warmup,
    IReadOnlyList<WrkRun> Runs,
    long IdleRss,
    long PeakRss,
    long PeakAnon,
    string? Failure,
    IReadOnlyDictionary<string, long>? PeakRssByPhase = null)
{
    /// <summary>
    /// The peak at 64-connection passthrough, as the main Sluice's row shows it; for runs recorded before phases were
    /// kept, the peak over all the variant's load, marked as such.
    /// </summary>
    public string DescribePassthroughPeak() => PeakRssByPhase?.GetValueOrDefault(Scenarios.Passthrough) is > 0 and var peak
        ? Format.Mb(peak)
        : $"{Format.Mb(PeakRss)} (over all its load)";

    /// <summary>"warmup 160 MB, passthrough-max 157 MB, ..." over the load phases, or null for runs recorded before phases were kept.</summary>
    public string? DescribePeaks() => PeakRssByPhase is null
        ? null
        : string.Join(", ", PeakRssByPhase.Where(static p => Phases.IsLoad(p.Key)).Select(static p => $"{p.Key} {Format.Mb(p.Value)}"));
}

/// <summary>
/// The control-plane step: a Sluice loading a config of <paramref name="Routes"/> routes, then hot-reloading
/// between two such configs under closed-loop load. Reload times run from the file's replacement to the first
/// request the new config answers.
/// </summary>
internal sealed record ControlPlaneRun(
    int Routes,
    int ConfigBytes,
    double LoadMs,
    long IdleRss,
    IReadOnlyList<double> ReloadMs,
    WrkRun? Baseline,
    WrkRun? DuringReloads,
    long PeakRss,
    string? Failure);

/// <summary>One segment of the soak: both loads' results, CPU and the RSS peak during it.</summary>
internal sealed record SoakSegment(int Index, double Seconds, WrkResult Chat, WrkResult Streams, CpuUse Cpu, long PeakRss, long PeakAnon);

/// <summary>The soak: a fresh Sluice under mixed fixed-rate load, segment by segment.</summary>
internal sealed record SoakRun(int ChatRate, int StreamRate, double StartupMs, WarmupCurve? Warmup, IReadOnlyList<SoakSegment> Segments, string? Failure);
