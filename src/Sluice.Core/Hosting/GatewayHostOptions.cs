using Sluice.RateLimiting;
using Sluice.Telemetry;

namespace Sluice.Hosting;

/// <summary>Process settings for <see cref="GatewayHost"/> (command-line flags; not hot-reloaded).</summary>
internal sealed record GatewayHostOptions
{
    public const int DefaultPort = 1975;
    public const int DefaultAdminPort = 1064;

    /// <summary>Overrides the Gateway listener port. 0 picks a free port (tests).</summary>
    public int? Port { get; init; }

    public int AdminPort { get; init; } = DefaultAdminPort;

    /// <summary>The address both listeners bind to.</summary>
    public string Address { get; init; } = "0.0.0.0";

    /// <summary>Re-read watched files on change.</summary>
    public bool WatchConfig { get; init; } = true;

    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Request headers copied into metrics, spans and the access log (OTEL_AIGW_*_REQUEST_HEADER_ATTRIBUTES).</summary>
    public HeaderAttributeMapping HeaderAttributes { get; init; } = HeaderAttributeMapping.FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>Where rate-limit counters live, the failure mode and admission reservations.</summary>
    public RateLimitOptions RateLimit { get; init; } = new();

    /// <summary>Where the JSON access log goes (one line per request); null turns it off.</summary>
    public TextWriter? AccessLog { get; init; }
}
