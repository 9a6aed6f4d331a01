namespace Sluice.Simulator.Faults;

/// <summary>Request headers that inject faults, and the response headers the simulator always adds.</summary>
internal static class FaultHeaders
{
    /// <summary>Answer with this status (400-599) and an OpenAI error envelope.</summary>
    public const string Status = "x-sim-status";

    /// <summary>Retry-After seconds sent with a simulated 429 (default 1).</summary>
    public const string RetryAfter = "x-sim-retry-after";

    /// <summary>Wait this many milliseconds before sending response headers.</summary>
    public const string DelayMs = "x-sim-delay-ms";

    /// <summary>Reset the connection after this many content chunks (0: before any response headers).</summary>
    public const string BreakAfter = "x-sim-break-after";

    /// <summary>Stop sending after this many content chunks, keeping the connection open.</summary>
    public const string StallAfter = "x-sim-stall-after";

    /// <summary>Per-request generation pace override.</summary>
    public const string TokensPerSecond = "x-sim-tokens-per-second";

    /// <summary>Per-request natural answer length override.</summary>
    public const string CompletionTokens = "x-sim-completion-tokens";

    /// <summary>Response: "true" when the request carried an Authorization header.</summary>
    public const string SawAuthorization = "x-sim-saw-authorization";

    /// <summary>Response: "true" when the request carried an api-key header.</summary>
    public const string SawApiKey = "x-sim-saw-api-key";

    /// <summary>
    /// Response: which credential the request carried, never its value: issued-token (a bearer token this server's
    /// /msi/token issued), bearer, aws-sigv4, other-authorization, api-key or none.
    /// </summary>
    public const string SawCredential = "x-sim-saw-credential";
}
