using Sluice.Model;
using Sluice.Translation;

namespace Sluice.Forwarding;

/// <summary>Everything one upstream attempt needs, decided before it starts.</summary>
internal sealed record ForwardingContext(
    EndpointKind Endpoint,
    string RequestModel,
    bool Stream,
    RouteRuleModel Rule,
    BackendRefModel BackendRef,
    int Attempt = 1,
    bool InjectsUsage = false)
{
    public string UpstreamModel => BackendRef.ModelNameOverride ?? RequestModel;

    /// <summary>How long one attempt may take to get an answer: the shorter of perRetry.timeout and timeouts.backendRequest.</summary>
    public TimeSpan? AttemptTimeout => Shorter(Rule.Retry.PerTryTimeout, Rule.BackendRequestTimeout);

    private static TimeSpan? Shorter(TimeSpan? a, TimeSpan? b)
    {
        a = a > TimeSpan.Zero ? a : null;
        b = b > TimeSpan.Zero ? b : null;
        return a is null ? b : b is null ? a : (a < b ? a : b);
    }
}

/// <summary>How one forwarded request ended, for logs and metrics.</summary>
internal enum ForwardingOutcome
{
    Completed,
    UpstreamError,
    Unreachable,
    Timeout,
    StreamInterrupted,
    ClientAborted,
    AuthFailed,
    NoBackend,

    /// <summary>The request cannot be expressed in the backend's API.</summary>
    Untranslatable,

    /// <summary>Refused by a token rate limit before anything was sent upstream.</summary>
    RateLimited,
}
