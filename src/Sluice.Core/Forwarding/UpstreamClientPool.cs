using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Sluice.Model;

namespace Sluice.Forwarding;

/// <summary>
/// One pooled <see cref="HttpMessageInvoker"/> per distinct upstream connection setting (TLS trust and SNI). They live
/// as long as the process, so a config reload that keeps a backend's TLS settings keeps its warm connections.
/// Proxy-safe settings: no redirects, no decompression, no cookies, no ambient proxy, bounded connect time.
/// </summary>
internal sealed class UpstreamClientPool : IDisposable
{
    private readonly Dictionary<(UpstreamTlsModel? Tls, string? Proxy), HttpMessageInvoker> _clients = [];
    private readonly Lock _lock = new();

    public UpstreamClientPool(TimeSpan? connectTimeout = null)
    {
        ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10);
    }

    public TimeSpan ConnectTimeout { get; }

    /// <summary>The client for one TLS setting and forward proxy (GatewayConfig forwardProxy, "host:port").</summary>
    public HttpMessageInvoker Get(UpstreamTlsModel? tls, string? forwardProxy = null)
    {
        lock (_lock)
        {
            if (!_clients.TryGetValue((tls, forwardProxy), out var client))
            {
                _clients[(tls, forwardProxy)] = client = Create(tls, forwardProxy);
            }

            return client;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _clients.Clear();
        }
    }

    private HttpMessageInvoker Create(UpstreamTlsModel? tls, string? forwardProxy)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10), // re-resolves DNS for long-lived pools
            EnableMultipleHttp2Connections = true,
        };

        if (tls is not null)
        {
            handler.SslOptions = CreateSslOptions(tls);
        }

        if (forwardProxy is not null)
        {
            // TLS upstreams are tunnelled with CONNECT (TLS stays end to end); plain HTTP goes as absolute-URI requests.
            handler.UseProxy = true;
            handler.Proxy = new System.Net.WebProxy(new Uri("http://" + forwardProxy)) { BypassProxyOnLocal = false };
        }

        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    private static SslClientAuthenticationOptions CreateSslOptions(UpstreamTlsModel tls)
    {
        var options = new SslClientAuthenticationOptions();
        if (tls.Hostname is not null)
        {
            options.TargetHost = tls.Hostname;
        }

        if (tls.CaCertificatesPem is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(tls.CaCertificatesPem);
            options.RemoteCertificateValidationCallback = CustomRootValidation.Callback(roots, tls.SystemCertificates);
        }

        return options;
    }
}
