namespace Sluice.Configuration.Resources;

/// <summary>gateway.envoyproxy.io Backend: where an AIServiceBackend's traffic goes.</summary>
internal sealed record BackendConfig(ResourceMeta Meta, IReadOnlyList<BackendEndpointConfig> Endpoints) : ResourceConfig(Meta);

/// <summary>An <c>fqdn</c> or <c>ip</c> endpoint.</summary>
internal sealed record BackendEndpointConfig(string Host, int Port, bool IsIp);
