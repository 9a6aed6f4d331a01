using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Resources;

/// <summary>Envoy Gateway BackendTrafficPolicy: retries, passive health and rate limits for the routes it targets.</summary>
internal sealed record BackendTrafficPolicyConfig(
    ResourceMeta Meta,
    IReadOnlyList<ObjectRef> TargetRefs,
    RetryConfig? Retry,
    PassiveHealthConfig? PassiveHealth,
    RateLimitConfig? RateLimit = null) : ResourceConfig(Meta);

internal sealed record RetryConfig(
    int NumRetries,
    int? NumAttemptsPerPriority,
    IReadOnlyList<string> Triggers,
    IReadOnlyList<int> HttpStatusCodes,
    TimeSpan? PerRetryTimeout,
    TimeSpan? BackOffBase,
    TimeSpan? BackOffMax,
    ConfigLocation Location);

internal sealed record PassiveHealthConfig(int? ConsecutiveErrors, TimeSpan? BaseEjectionTime, ConfigLocation Location);
