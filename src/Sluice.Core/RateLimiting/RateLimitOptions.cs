namespace Sluice.RateLimiting;

/// <summary>What a request gets when the shared counter store (Redis) cannot be reached.</summary>
internal enum RateLimitFailureMode
{
    /// <summary>Admit it uncounted (Envoy's ratelimit filter default).</summary>
    Open,

    /// <summary>Refuse it with 503.</summary>
    Closed,
}

/// <summary>
/// Process settings for token rate limits (<c>sluice run --rate-limit-*</c> or <c>SLUICE_RATELIMIT_*</c>; not
/// hot-reloaded). Where counters live is a deployment decision, like Envoy Gateway's rate-limit backend in its
/// install values, so it is not part of the Envoy AI Gateway YAML.
/// </summary>
internal sealed record RateLimitOptions
{
    public const int DefaultReserveOutputTokens = 4096;

    /// <summary>A StackExchange.Redis configuration (<c>host:port</c>, optionally <c>,password=...,ssl=true</c>); null keeps counters in process.</summary>
    public string? Redis { get; init; }

    public RateLimitFailureMode FailureMode { get; init; } = RateLimitFailureMode.Open;

    /// <summary>Reserve the estimated response cost at admission and reconcile it when the response ends.</summary>
    public bool Reservation { get; init; }

    /// <summary>Output tokens reserved for a request that sets no max_tokens / max_completion_tokens / max_output_tokens.</summary>
    public int ReserveOutputTokens { get; init; } = DefaultReserveOutputTokens;

    /// <summary>Reads SLUICE_RATELIMIT_REDIS, SLUICE_RATELIMIT_FAILURE_MODE (open|closed), SLUICE_RATELIMIT_RESERVATION (on|off) and SLUICE_RATELIMIT_RESERVE_OUTPUT_TOKENS.</summary>
    public static RateLimitOptions FromEnvironment(Func<string, string?> getEnvironment)
    {
        var options = new RateLimitOptions { Redis = NullIfEmpty(getEnvironment("SLUICE_RATELIMIT_REDIS")) };
        if (NullIfEmpty(getEnvironment("SLUICE_RATELIMIT_FAILURE_MODE")) is { } mode)
        {
            options = options with { FailureMode = ParseFailureMode(mode) };
        }

        if (NullIfEmpty(getEnvironment("SLUICE_RATELIMIT_RESERVATION")) is { } reservation)
        {
            options = options with { Reservation = ParseSwitch(reservation, "SLUICE_RATELIMIT_RESERVATION") };
        }

        if (NullIfEmpty(getEnvironment("SLUICE_RATELIMIT_RESERVE_OUTPUT_TOKENS")) is { } tokens)
        {
            options = options with
            {
                ReserveOutputTokens = int.TryParse(tokens, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0
                    ? value
                    : throw new FormatException($"SLUICE_RATELIMIT_RESERVE_OUTPUT_TOKENS: '{tokens}' is not a number of tokens"),
            };
        }

        return options;
    }

    public static RateLimitFailureMode ParseFailureMode(string text) => text.ToLowerInvariant() switch
    {
        "open" => RateLimitFailureMode.Open,
        "closed" => RateLimitFailureMode.Closed,
        _ => throw new FormatException($"'{text}' is not a rate-limit failure mode (open or closed)"),
    };

    public static bool ParseSwitch(string text, string name) => text.ToLowerInvariant() switch
    {
        "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => throw new FormatException($"{name}: '{text}' must be on or off"),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
