using Sluice.Model;
using Sluice.Translation;

namespace Sluice.Forwarding;

/// <summary>Everything one upstream attempt needs, decided before it starts.</summary>
internal sealed record ForwardingContext(
    EndpointKind Endpoint,
    string RequestModel,
    bool Stream,
    RouteRuleModel Rule,
    BackendRefModel BackendRef)
{
    public string UpstreamModel => BackendRef.ModelNameOverride ?? RequestModel;

    /// <summary>The attempt's deadline: the rule's request timeout, or the per-backend one if shorter.</summary>
    public TimeSpan Timeout => Rule.BackendRequestTimeout is { } b && b > TimeSpan.Zero && b < Rule.RequestTimeout ? b : Rule.RequestTimeout;
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
}
