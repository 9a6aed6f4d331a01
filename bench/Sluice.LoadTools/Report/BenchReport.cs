using System.Text.Json.Serialization;
using Sluice.LoadTools.Load;
using Sluice.LoadTools.Processes;

namespace Sluice.LoadTools.Report;

/// <summary>
/// CPU used during one run: the proxy and the upstream in percent of one core, each core's busy share, and what
/// processes outside the harness (other users of a shared machine) used, in percent of one core.
/// </summary>
internal sealed record CpuUse(double ProxyPercent, double UpstreamPercent, IReadOnlyList<double> CoreBusyPercent, double OtherPercent)
{
    /// <summary>Other processes used more than a fifth of a core: the run's numbers are suspect.</summary>
    public bool Noisy => OtherPercent > 20;
}

/// <summary>Closed-loop throughput of each warm-up round, in order, and whether the last three agreed within 5 %.</summary>
internal sealed record WarmupCurve(string Path, double RoundSeconds, IReadOnlyList<double> RequestsPerSecond, bool Steady);

/// <summary>One wrk measurement of one path; with several rounds, the median round, and every round's result.</summary>
internal sealed record WrkRun(string Scenario, string Path, int Connections, int? TargetRate, WrkResult Result, CpuUse Cpu)
{
    public IReadOnlyList<WrkResult>? Rounds { get; init; }
}

internal sealed record StreamLatencyRun(string Path, double TokensPerSecond, StreamLatencyResult Result, CpuUse Cpu);

/// <summary>The concurrency levels tried on one path, in order, stopping after the first with a stall.</summary>
internal sealed record ConcurrencyRun(string Path, IReadOnlyList<ConcurrencyLevelResult> Levels)
{
    /// <summary>The largest level where every stream was stall-free; 0 when even the first level stalled.</summary>
    public int MaxStallFree => Levels.Where(static l => l.AllStallFree).Select(static l => l.Streams).DefaultIfEmpty(0).Max();

    /// <summary>True when the last level tried had no stall: the real limit is higher than the harness went.</summary>
    public bool LimitNotReached => Levels.Count > 0 && Levels[^1].AllStallFree;
}

/// <summary>One BenchmarkDotNet result.</summary>
internal sealed record MicroResult(string Benchmark, string Parameters, double MeanNs, double AllocatedBytes);

/// <summary>Where Sluice stands against one of issue 7's targets.</summary>
internal sealed record TargetVerdict(string Target, string Measured, string Status, string Note);

internal sealed record RunInfo(
    string Mode,
    DateTimeOffset Started,
    double DurationSeconds,
    string? LoadCpus,
    string? ProxyCpus,
    IReadOnlyList<double> BackgroundCpuBusyPercent,
    double BackgroundOtherPercent,
    string LoadAverageBefore,
    string LoadAverageAfter,
    double SluiceStartupMs,
    IReadOnlyList<string> SluiceArguments,
    IReadOnlyDictionary<string, string> SluiceEnvironment);

/// <summary>Everything one run measured; written as bench/results/&lt;timestamp&gt;.json.</summary>
internal sealed record BenchReport(
    int Schema,
    RunInfo Run,
    MachineInfo Machine,
    BenchPlan Plan,
    IReadOnlyList<WarmupCurve> Warmup,
    IReadOnlyList<WrkRun> Wrk,
    IReadOnlyList<StreamLatencyRun> StreamLatency,
    IReadOnlyList<ConcurrencyRun> StreamConcurrency,
    IReadOnlyList<MemoryFigures> Memory,
    IReadOnlyList<TargetVerdict> Targets,
    IReadOnlyList<MicroResult> Micro,
    IReadOnlyList<string> Notes)
{
    /// <summary>The extra Sluice processes (providers, governance, many models); empty in runs before they existed.</summary>
    public IReadOnlyList<VariantRun> Variants { get; init; } = [];

    public ControlPlaneRun? ControlPlane { get; init; }

    public SoakRun? Soak { get; init; }
    /// <summary>Portkey's gateway as run (or why not); null in runs from before the Portkey path.</summary>
    public PortkeyInfo? Portkey { get; init; }
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
