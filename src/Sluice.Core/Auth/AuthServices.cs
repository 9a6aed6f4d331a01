using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Sluice.Auth.Azure;

namespace Sluice.Auth;

/// <summary>
/// What credential handlers need beyond their config, shared across reloads: the clock, a logger, the
/// environment, and the token sources that must survive a reload when their credential did not change.
/// </summary>
internal sealed class AuthServices : IDisposable
{
    public AuthServices(ILogger logger, TimeProvider? time = null, Func<string, string?>? getEnvironment = null, HttpMessageHandler? identityHandler = null)
    {
        Logger = logger;
        Time = time ?? TimeProvider.System;
        GetEnvironment = getEnvironment ?? Environment.GetEnvironmentVariable;
        IdentityHandler = identityHandler;
        IdentityTransport = identityHandler is null ? null : new HttpClientTransport(identityHandler);
        OidcClient = new HttpClient(identityHandler ?? new SocketsHttpHandler { UseProxy = false }, disposeHandler: identityHandler is null) { Timeout = TimeSpan.FromSeconds(15) };
        Jwks = new ClientAuth.JwksCache(identityHandler, Time, logger);
    }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public Func<string, string?> GetEnvironment { get; }

    /// <summary>Only tests set this: the HTTP handler identity calls go through (to trust a local test CA).</summary>
    public HttpMessageHandler? IdentityHandler { get; }

    public HttpClientTransport? IdentityTransport { get; }

    /// <summary>For the OIDC token exchange with a non-Entra issuer.</summary>
    public HttpClient OidcClient { get; }

    public TokenSourceCache Tokens { get; } = new();

    /// <summary>Remote JWKS of SecurityPolicy JWT providers (client auth), kept across reloads.</summary>
    public ClientAuth.JwksCache Jwks { get; }

    public void Dispose()
    {
        Tokens.Dispose();
        OidcClient.Dispose();
        Jwks.Dispose();
    }
}

/// <summary>Token sources by credential identity: a reload that keeps a policy's credential keeps its token.</summary>
internal sealed class TokenSourceCache : IDisposable
{
    private readonly Dictionary<string, EntraTokenSource> _sources = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public EntraTokenSource GetOrCreate(string key, Func<EntraTokenSource> create, out bool created)
    {
        lock (_lock)
        {
            created = !_sources.TryGetValue(key, out var source);
            if (created)
            {
                _sources[key] = source = create();
            }

            return source!;
        }
    }

    /// <summary>Stops the sources whose keys the serving snapshot no longer uses.</summary>
    public void Retain(IReadOnlyCollection<string> keys)
    {
        lock (_lock)
        {
            foreach (var key in _sources.Keys.ToList())
            {
                if (!keys.Contains(key))
                {
                    _sources[key].Dispose();
                    _sources.Remove(key);
                }
            }
        }
    }

    public void Dispose() => Retain([]);
}
