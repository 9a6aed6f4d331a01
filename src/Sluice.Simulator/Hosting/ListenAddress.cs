using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Sluice.Simulator.Hosting;

/// <summary>
/// <see cref="SimulatorOptions.Host"/> resolved without DNS: an IP literal, <c>localhost</c>, or <c>*</c>/<c>+</c>
/// for every interface.
/// </summary>
internal sealed record ListenAddress(IPAddress? Address, bool IsLocalhost)
{
    /// <summary>The host clients should use in <see cref="SimulatorServer.BaseAddress"/>.</summary>
    public string ClientHost => Address switch
    {
        null when IsLocalhost => "localhost",
        null => "127.0.0.1",
        _ when Address.Equals(IPAddress.Any) => "127.0.0.1",
        _ when Address.Equals(IPAddress.IPv6Any) => "[::1]",
        { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } => "[" + Address + "]",
        _ => Address.ToString(),
    };

    public static bool TryParse(string? host, [NotNullWhen(true)] out ListenAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(host))
        {
            return false;
        }

        host = host.Trim();
        if (host is "*" or "+")
        {
            address = new ListenAddress(null, IsLocalhost: false);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = new ListenAddress(null, IsLocalhost: true);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? ip))
        {
            address = new ListenAddress(ip, IsLocalhost: false);
        }

        return address is not null;
    }

    public void Listen(KestrelServerOptions kestrel, int port)
    {
        if (Address is not null)
        {
            kestrel.Listen(Address, port);
        }
        else if (!IsLocalhost)
        {
            kestrel.ListenAnyIP(port);
        }
        else if (port == 0)
        {
            // Kestrel cannot bind "localhost" (two sockets) to one dynamic port; IPv4 loopback serves it.
            kestrel.Listen(IPAddress.Loopback, 0);
        }
        else
        {
            kestrel.ListenLocalhost(port);
        }
    }
}
