using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Resources;

/// <summary>BackendTrafficPolicy <c>rateLimit</c>: the rules of its <c>global</c> and <c>local</c> sections.</summary>
internal sealed record RateLimitConfig(IReadOnlyList<RateLimitRuleConfig> Rules, ConfigLocation Location);

/// <summary>Global counters are shared by every replica (Redis when configured); local ones are per process.</summary>
internal enum RateLimitScope
{
    Global,
    Local,
}

/// <summary>The window a limit counts in, as Envoy Gateway names it.</summary>
internal enum RateLimitUnit
{
    Second,
    Minute,
    Hour,
    Day,
    Month,
    Year,
}

/// <summary>One rule: every selector must match; then the request counts against <see cref="Requests"/> per <see cref="Unit"/>.</summary>
internal sealed record RateLimitRuleConfig(
    RateLimitScope Scope,
    int Index,
    IReadOnlyList<RateLimitHeaderConfig> Headers,
    long Requests,
    RateLimitUnit Unit,
    RateLimitCostConfig? RequestCost,
    RateLimitCostConfig? ResponseCost,
    bool Shared,
    bool ShadowMode,
    ConfigLocation Location);

internal enum RateLimitHeaderMatchType
{
    Exact,
    RegularExpression,
    Distinct,
}

/// <summary>A <c>clientSelectors[].headers[]</c> condition. Distinct gives each value of the header its own bucket.</summary>
internal sealed record RateLimitHeaderConfig(string Name, RateLimitHeaderMatchType Type, string? Value, bool Invert, ConfigLocation Location);

internal enum RateLimitCostSource
{
    Number,
    Metadata,
}

/// <summary><c>cost.request</c> / <c>cost.response</c>: a fixed number, or an llmRequestCosts metadataKey of the route.</summary>
internal sealed record RateLimitCostConfig(RateLimitCostSource From, long Number, string? MetadataKey, ConfigLocation Location);
