using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Resources;

internal sealed record AIGatewayRouteConfig(
    ResourceMeta Meta,
    IReadOnlyList<string> Hostnames,
    IReadOnlyList<RouteRuleConfig> Rules,
    IReadOnlyList<LlmRequestCostConfig> LlmRequestCosts) : ResourceConfig(Meta);

internal sealed record RouteRuleConfig(
    string? Name,
    IReadOnlyList<RouteMatchConfig> Matches,
    IReadOnlyList<RouteBackendRefConfig> BackendRefs,
    TimeSpan? RequestTimeout,
    TimeSpan? BackendRequestTimeout,
    TimeSpan? StreamIdleTimeout,
    string? ModelsOwnedBy,
    DateTimeOffset? ModelsCreatedAt,
    ConfigLocation Location);

/// <summary>One entry of <c>matches</c>: all its headers must match.</summary>
internal sealed record RouteMatchConfig(IReadOnlyList<HeaderMatchConfig> Headers, ConfigLocation Location);

internal enum HeaderMatchType
{
    Exact,
    RegularExpression,
}

internal sealed record HeaderMatchConfig(string Name, HeaderMatchType Type, string Value, ConfigLocation Location);

internal sealed record RouteBackendRefConfig(
    ObjectRef Backend,
    int Weight,
    int Priority,
    string? ModelNameOverride,
    HeaderMutationConfig? HeaderMutation,
    BodyMutationConfig? BodyMutation);

internal sealed record LlmRequestCostConfig(string MetadataKey, string Type, string? Cel, ConfigLocation Location);
