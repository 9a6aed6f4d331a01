using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

internal static class GatewayParsers
{
    public static GatewayConfig ParseGateway(ResourceMeta meta, ConfigNode spec)
    {
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
        return new GatewayConfig(meta, listeners);
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
