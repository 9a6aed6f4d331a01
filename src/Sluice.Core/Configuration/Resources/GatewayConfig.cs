namespace Sluice.Configuration.Resources;

/// <summary>Gateway API Gateway: Sluice takes the listener port from it.</summary>
internal sealed record GatewayConfig(ResourceMeta Meta, IReadOnlyList<GatewayListenerConfig> Listeners, string? GatewayConfigName = null) : ResourceConfig(Meta);

internal sealed record GatewayListenerConfig(string? Name, int Port, string? Protocol);

/// <summary>Envoy Gateway ClientTrafficPolicy: Sluice honours <c>connection.bufferLimit</c> as the largest request body.</summary>
internal sealed record ClientTrafficPolicyConfig(ResourceMeta Meta, long? BufferLimitBytes) : ResourceConfig(Meta);
