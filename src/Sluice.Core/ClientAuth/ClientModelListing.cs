namespace Sluice.ClientAuth;

/// <summary>A model GET /v1/models may list, with the route that serves it (whose policy decides who sees it).</summary>
internal sealed record ClientModelListing(string Id, string RouteName, long Created, string OwnedBy);
