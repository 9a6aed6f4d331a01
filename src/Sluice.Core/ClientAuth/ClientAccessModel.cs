namespace Sluice.ClientAuth;

/// <summary>
/// The compiled SecurityPolicies of one snapshot: the Gateway's (every route without its own) and each route's (which
/// replaces the Gateway's for that route, as in Envoy Gateway), plus the model listing GET /v1/models filters.
/// </summary>
internal sealed class ClientAccessModel(ClientPolicy? gateway, IReadOnlyDictionary<string, ClientPolicy> byRoute, IReadOnlyList<ClientModelListing> models)
{
    public static readonly ClientAccessModel None = new(null, new Dictionary<string, ClientPolicy>(), []);

    public ClientPolicy? Gateway { get; } = gateway;

    /// <summary>By route, <c>namespace/name</c> as <see cref="Model.RouteRuleModel.RouteName"/>.</summary>
    public IReadOnlyDictionary<string, ClientPolicy> ByRoute { get; } = byRoute;

    public IReadOnlyList<ClientModelListing> Models { get; } = models;

    public bool IsEmpty => Gateway is null && ByRoute.Count == 0;

    /// <summary>One policy covers every route, so the client is checked before its body is read.</summary>
    public bool AuthenticatesBeforeRouting => Gateway is not null && ByRoute.Count == 0;

    /// <summary>The policy for a route (the Gateway's when it has none of its own, or when no route matched).</summary>
    public ClientPolicy? For(string? routeName) =>
        routeName is not null && ByRoute.TryGetValue(routeName, out var policy) ? policy : Gateway;
}
