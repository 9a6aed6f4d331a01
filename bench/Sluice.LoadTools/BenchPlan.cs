namespace Sluice.LoadTools;

/// <summary>How long and how hard each measurement runs. <see cref="Quick"/> is a smoke run, <see cref="Full"/> the real one.</summary>
internal sealed record BenchPlan
{
    public required string Mode { get; init; }

    /// <summary>
    /// Warm-up, per path, before anything is measured: closed-loop rounds of this length until the last three are
    /// within 5 % of each other. .NET's tiered JIT needs tens of seconds of load on one core to reach full speed,
    /// and its throughput can sit on a plateau before it jumps, so Sluice also gets a minimum.
    /// </summary>
    public required TimeSpan WarmupRound { get; init; }

    /// <summary>The least warm-up Sluice gets (nginx and the direct path get three rounds).</summary>
    public required TimeSpan SluiceWarmupMinimum { get; init; }

    /// <summary>The most warm-up Sluice gets.</summary>
    public required TimeSpan WarmupMaximum { get; init; }

    /// <summary>
    /// The most warm-up Portkey's gateway gets: rounds until the last three agree, as Sluice's, but Node's JIT is
    /// done within seconds, so this only bounds the time a noisy machine can make it take.
    /// </summary>
    public TimeSpan PortkeyWarmupMaximum { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Closed-loop scenarios run as this many interleaved rounds (direct, nginx, Sluice, direct, ...), each a share of
    /// the scenario's duration; the median round of each path is kept.
    /// </summary>
    public required int Rounds { get; init; }

    public required TimeSpan MaxThroughputDuration { get; init; }

    public int MaxThroughputConnections { get; init; } = 64;

    /// <summary>Requests per second of the fixed-rate runs.</summary>
    public required IReadOnlyList<int> FixedRates { get; init; }

    public required TimeSpan FixedRateDuration { get; init; }

    /// <summary>Connections per 1,000 req/s of a fixed-rate run: enough that a slow response never holds up the schedule.</summary>
    public int FixedRateConnectionsPerThousand { get; init; } = 10;

    public required TimeSpan SingleConnectionDuration { get; init; }

    /// <summary>Null skips the 100 KB body run.</summary>
    public TimeSpan? LargeBodyDuration { get; init; }

    public int LargeBodyConnections { get; init; } = 16;

    public required TimeSpan StreamThroughputDuration { get; init; }

    /// <summary>Content chunks per SSE answer.</summary>
    public int StreamChunks { get; init; } = 20;

    /// <summary>Sequential paced streams for time to first token and the gap between chunks.</summary>
    public required int StreamLatencySamples { get; init; }

    /// <summary>Pace of the latency streams: 200 tokens/s, a chunk every 5 ms.</summary>
    public double StreamLatencyTokensPerSecond { get; init; } = 200;

    /// <summary>Concurrent stream counts tried in turn, until one has a stall.</summary>
    public required IReadOnlyList<int> ConcurrencyLevels { get; init; }

    /// <summary>Pace of the concurrency streams: 10 tokens/s, a chunk every 100 ms, 2 s per 20-chunk stream.</summary>
    public double ConcurrencyTokensPerSecond { get; init; } = 10;

    /// <summary>Streams of one level start evenly spread over this long.</summary>
    public TimeSpan ConcurrencyRampUp { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A gap between two chunks longer than this is a stall (2.5 × the 100 ms pace).</summary>
    public TimeSpan StallGap { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A first chunk later than this is a stall too.</summary>
    public TimeSpan StallFirstToken { get; init; } = TimeSpan.FromSeconds(1);

    public required TimeSpan Cooldown { get; init; }

    /// <summary>
    /// The least warm-up each extra Sluice process (Azure, Bedrock, governance, 10,000 models) gets before its
    /// scenarios; each is a fresh process whose JIT starts cold. The new settings below default to the full run's.
    /// </summary>
    public TimeSpan VariantWarmupMinimum { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Per scenario and extra Sluice process (split into <see cref="Rounds"/> rounds, the median kept).</summary>
    public TimeSpan VariantDuration { get; init; } = TimeSpan.FromSeconds(9);

    /// <summary>Models in the routing-cost variant: Exact rules, the request naming one in the middle.</summary>
    public int ManyModels { get; init; } = 10_000;

    /// <summary>Routes (Exact model rules) in the configs the control-plane step loads and hot-reloads.</summary>
    public int ControlPlaneRoutes { get; init; } = 2_000;

    /// <summary>Hot reloads under load, alternating between two configs of <see cref="ControlPlaneRoutes"/> routes.</summary>
    public int Reloads { get; init; } = 3;

    /// <summary>Soak: segments of mixed fixed-rate load on a fresh Sluice, RSS and latency per segment. 0 skips it.</summary>
    public int SoakSegments { get; init; } = 10;

    public TimeSpan SoakSegment { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Non-streamed requests per second during the soak.</summary>
    public int SoakRate { get; init; } = 1000;

    /// <summary>Streams started per second during the soak, each 20 chunks at 20 tokens/s (about 1 s open).</summary>
    public int SoakStreamRate { get; init; } = 50;

    public static BenchPlan Quick { get; } = new()
    {
        Mode = "quick",
        Rounds = 1,
        WarmupRound = TimeSpan.FromSeconds(2),
        SluiceWarmupMinimum = TimeSpan.FromSeconds(16),
        WarmupMaximum = TimeSpan.FromSeconds(30),
        MaxThroughputDuration = TimeSpan.FromSeconds(4),
        FixedRates = [1000, 4000],
        FixedRateDuration = TimeSpan.FromSeconds(3),
        SingleConnectionDuration = TimeSpan.FromSeconds(3),
        StreamThroughputDuration = TimeSpan.FromSeconds(3),
        StreamLatencySamples = 30,
        ConcurrencyLevels = [200, 1000],
        Cooldown = TimeSpan.FromSeconds(3),
        VariantWarmupMinimum = TimeSpan.FromSeconds(8),
        VariantDuration = TimeSpan.FromSeconds(3),
        Reloads = 2,
        SoakSegments = 2,
        SoakSegment = TimeSpan.FromSeconds(10),
    };

    public static BenchPlan Full { get; } = new()
    {
        Mode = "full",
        Rounds = 3,
        WarmupRound = TimeSpan.FromSeconds(3),
        SluiceWarmupMinimum = TimeSpan.FromSeconds(60),
        WarmupMaximum = TimeSpan.FromSeconds(120),
        MaxThroughputDuration = TimeSpan.FromSeconds(15),
        FixedRates = [1000, 2000, 4000, 6000],
        FixedRateDuration = TimeSpan.FromSeconds(10),
        SingleConnectionDuration = TimeSpan.FromSeconds(15),
        LargeBodyDuration = TimeSpan.FromSeconds(10),
        StreamThroughputDuration = TimeSpan.FromSeconds(15),
        StreamLatencySamples = 300,
        ConcurrencyLevels = [100, 250, 500, 1000, 2000, 3000, 4000],
        Cooldown = TimeSpan.FromSeconds(15),
    };
}
