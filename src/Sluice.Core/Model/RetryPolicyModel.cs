namespace Sluice.Model;

/// <summary>What makes an attempt retriable, as Envoy's <c>retry_on</c> names it.</summary>
[Flags]
internal enum RetryTriggers
{
    None = 0,
    ConnectFailure = 1,
    Reset = 2,
    RetriableStatusCodes = 4,
    ServerErrors = 8,   // 5xx: any 5xx status, plus connect failures, resets and timeouts
    GatewayErrors = 16, // gateway-error: 502/503/504, plus connect failures, resets and timeouts
    Retriable4xx = 32,  // 409
}

/// <summary>A rule's retry policy (from a BackendTrafficPolicy). <see cref="None"/>: one attempt, as Envoy without a policy.</summary>
internal sealed record RetryPolicyModel(
    int NumRetries,
    int? AttemptsPerPriority,
    RetryTriggers Triggers,
    IReadOnlySet<int> StatusCodes,
    TimeSpan? PerTryTimeout,
    TimeSpan BackOffBase,
    TimeSpan BackOffMax)
{
    public static readonly RetryPolicyModel None = new(0, null, RetryTriggers.None, new HashSet<int>(), null, TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(250));

    public bool RetriesStatus(int status) =>
        ((Triggers & RetryTriggers.RetriableStatusCodes) != 0 && StatusCodes.Contains(status))
        || ((Triggers & RetryTriggers.ServerErrors) != 0 && status >= 500)
        || ((Triggers & RetryTriggers.GatewayErrors) != 0 && status is 502 or 503 or 504)
        || ((Triggers & RetryTriggers.Retriable4xx) != 0 && status == 409);

    /// <summary>Connect failures, resets and attempt timeouts.</summary>
    public bool RetriesTransportFailure(bool connectFailure) =>
        (Triggers & (RetryTriggers.ServerErrors | RetryTriggers.GatewayErrors)) != 0
        || (connectFailure ? (Triggers & RetryTriggers.ConnectFailure) != 0 : (Triggers & RetryTriggers.Reset) != 0);

    /// <summary>Full-jitter exponential back-off before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan BackOff(int retry)
    {
        var ceiling = BackOffBase.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 20));
        ceiling = Math.Min(ceiling, BackOffMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}

/// <summary>Passive health: eject a backend after this many consecutive failures, for a growing time.</summary>
internal sealed record PassiveHealthModel(int ConsecutiveFailures, TimeSpan BaseEjection, TimeSpan MaxEjection)
{
    /// <summary>On unless configured otherwise: 5 failures in a row, 30 s doubling up to 5 minutes (Envoy's outlier defaults).</summary>
    public static readonly PassiveHealthModel Default = new(5, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
}
