using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

internal static class GatewayParsers
{
    public const string GatewayConfigAnnotation = "aigateway.envoyproxy.io/gateway-config";

    public static GatewayConfig ParseGateway(ResourceMeta meta, ConfigNode spec, ConfigNode? metadata)
    {
        string? gatewayConfigName = null;
        if (metadata?.Mapping("annotations") is not null)
        {
            foreach (var (annotation, value, _) in metadata.StringMap("annotations"))
            {
                if (annotation == GatewayConfigAnnotation)
                {
                    gatewayConfigName = value;
                }
            }
        }

        spec.String("gatewayClassName");
        spec.Mapping("infrastructure");
        var listeners = new List<GatewayListenerConfig>();
        foreach (var listener in spec.Items("listeners"))
        {
            var port = listener.Int("port", 1, 65535);
            var name = listener.String("name");
            var protocol = listener.String("protocol");
            listener.Items("hostname");
            listener.Mapping("allowedRoutes");
            if (protocol is not null and not "HTTP")
            {
                listener.Diagnostics.Warning(listener.LocationOf("protocol"), $"'{protocol}' listeners are not supported yet; Sluice serves plain HTTP on this port");
            }

            listener.WarnUnread();
            if (port is not null)
            {
                listeners.Add(new GatewayListenerConfig(name, port.Value, protocol));
            }
        }

        spec.WarnUnread();
        return new GatewayConfig(meta, listeners, gatewayConfigName);
    }

    public static GatewayWideConfig ParseGatewayWideConfig(ResourceMeta meta, ConfigNode spec)
    {
        string? proxy = null;
        if (spec.Mapping("forwardProxy") is { } forwardProxy)
        {
            proxy = forwardProxy.String("address", required: true);
            if (proxy is not null && !IsHostPort(proxy))
            {
                forwardProxy.Diagnostics.Error(forwardProxy.LocationOf("address"), $"'{proxy}' must be host:port (an HTTP CONNECT proxy, e.g. proxy.corp:3128)");
                proxy = null;
            }

            forwardProxy.WarnUnread();
        }

        var costs = LlmRequestCostParser.Parse(spec, "globalLLMRequestCosts", defaultType: "OutputToken");

        spec.Mapping("extProc"); // Kubernetes container settings of Envoy's external processor: nothing to do here
        spec.WarnUnread();
        return new GatewayWideConfig(meta, proxy, costs);
    }

    private static bool IsHostPort(string address)
    {
        var colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address.AsSpan(colon + 1), out var port) && port is > 0 and < 65536;
    }

    public static ClientTrafficPolicyConfig ParseClientTrafficPolicy(ResourceMeta meta, ConfigNode spec)
    {
        CommonParsers.TargetRefs(spec);
        long? bufferLimit = null;
        if (spec.Mapping("connection") is { } connection)
        {
            var limitNode = connection.Child("bufferLimit");
            if (limitNode?.ScalarValue is { } text)
            {
                if (Quantity.TryParseBytes(text, out var bytes) && bytes > 0)
                {
                    bufferLimit = bytes;
                }
                else
                {
                    limitNode.Error($"'{text}' is not a size (examples: 50Mi, 32Ki, 1048576)");
                }
            }

            connection.WarnUnread();
        }

        spec.WarnUnread();
        return new ClientTrafficPolicyConfig(meta, bufferLimit);
    }
}
