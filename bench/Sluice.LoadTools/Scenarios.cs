namespace Sluice.LoadTools;

/// <summary>Names of the wrk scenarios, as they appear in the JSON.</summary>
internal static class Scenarios
{
    public const string Passthrough = "passthrough-max";
    public const string FixedRate = "passthrough-fixed-rate";
    public const string SingleConnection = "concurrency-1";
    public const string LargeBody = "passthrough-100kb";
    public const string StreamThroughput = "stream-max";
}

/// <summary>Phases the memory monitor tags its samples with.</summary>
internal static class Phases
{
    public const string Idle = "idle";
    public const string Warmup = "warmup";
    public const string After = "after";

    /// <summary>The phase of one stream concurrency level on one path.</summary>
    public static string Streams(int level, string path) => $"streams-{level}-{path}";

    /// <summary>Every phase that puts load on the proxies (warm-up included: it is load too).</summary>
    public static bool IsLoad(string phase) => phase is not (Idle or After or "start");

    /// <summary>
    /// A load phase of <paramref name="path"/>: every load phase except the stream levels of the other paths, during
    /// which this one only idles (its RSS there is what it kept, not what that load needs).
    /// </summary>
    public static bool IsLoadOf(string phase, string path) =>
        IsLoad(phase) && (!phase.StartsWith("streams-", StringComparison.Ordinal) || phase.EndsWith("-" + path, StringComparison.Ordinal));

    /// <summary>
    /// The highest sample over the load phases of a per-phase peak table (0 when none); with <paramref name="path"/>,
    /// over that path's own load phases (<see cref="IsLoadOf"/>).
    /// </summary>
    public static long LoadPeak(IReadOnlyDictionary<string, long> byPhase, string? path = null) =>
        byPhase.Where(p => path is null ? IsLoad(p.Key) : IsLoadOf(p.Key, path)).Select(static p => p.Value).DefaultIfEmpty(0).Max();
}
