using Microsoft.Extensions.Logging;

namespace Sluice.ClientAuth;

/// <summary>
/// The remote key sets by URI and cache duration, kept across reloads so a reload keeps fetched keys. One HTTP
/// client for them: no ambient proxy, no redirects (the only traffic is to the configured URI), 10 s to connect,
/// at most 1 MiB of JWKS.
/// </summary>
internal sealed class JwksCache : IDisposable
{
    private readonly Dictionary<(Uri Uri, TimeSpan CacheDuration), RemoteJwksSource> _sources = [];
    private readonly Lock _lock = new();
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public JwksCache(HttpMessageHandler? handler, TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        var ownHandler = handler ?? new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        };
        _http = new HttpClient(ownHandler, disposeHandler: handler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan, // each fetch has its own deadline
            MaxResponseContentBufferSize = 1024 * 1024,
        };
    }

    public RemoteJwksSource GetOrCreate(Uri uri, TimeSpan cacheDuration)
    {
        lock (_lock)
        {
            if (!_sources.TryGetValue((uri, cacheDuration), out var source))
            {
                _sources[(uri, cacheDuration)] = source = new RemoteJwksSource(uri, cacheDuration, _http, _time, _logger);
            }

            return source;
        }
    }

    public void Dispose() => _http.Dispose();
}
