using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

internal static class BackendParser
{
    public static BackendConfig Parse(ResourceMeta meta, ConfigNode spec)
    {
        var endpoints = new List<BackendEndpointConfig>();
        foreach (var endpoint in spec.Items("endpoints"))
        {
            if (endpoint.Mapping("fqdn") is { } fqdn)
            {
                var host = fqdn.String("hostname", required: true);
                var port = fqdn.Int("port", 1, 65535);
                fqdn.WarnUnread();
                if (host is not null)
                {
                    endpoints.Add(new BackendEndpointConfig(host, port ?? 80, IsIp: false));
                }
            }
            else if (endpoint.Mapping("ip") is { } ip)
            {
                var address = ip.String("address", required: true);
                var port = ip.Int("port", 1, 65535);
                ip.WarnUnread();
                if (address is not null)
                {
                    if (!System.Net.IPAddress.TryParse(address, out _))
                    {
                        ip.Diagnostics.Error(ip.LocationOf("address"), $"'{address}' is not an IP address");
                    }

                    endpoints.Add(new BackendEndpointConfig(address, port ?? 80, IsIp: true));
                }
            }
            else
            {
                endpoint.Error("needs an fqdn {hostname, port} or ip {address, port} endpoint (unix sockets are not supported yet)");
            }

            endpoint.WarnUnread();
        }

        if (endpoints.Count == 0)
        {
            spec.Diagnostics.Error(spec.LocationOf("endpoints"), "at least one endpoint is required");
        }

        spec.WarnUnread();
        return new BackendConfig(meta, endpoints);
    }
}
