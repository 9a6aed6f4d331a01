namespace Sluice.Configuration.Resources;

/// <summary>
/// The <c>aigateway.envoyproxy.io</c> GatewayConfig kind: settings for every route of the Gateways that name it in
/// their <c>aigateway.envoyproxy.io/gateway-config</c> annotation. (Named apart from <see cref="GatewayConfig"/>,
/// which is the Gateway API Gateway.)
/// </summary>
internal sealed record GatewayWideConfig(
    ResourceMeta Meta,
    string? ForwardProxyAddress,
    IReadOnlyList<LlmRequestCostConfig> GlobalLlmRequestCosts) : ResourceConfig(Meta);
