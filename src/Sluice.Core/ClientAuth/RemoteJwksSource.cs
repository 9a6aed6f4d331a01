using Microsoft.Extensions.Logging;

namespace Sluice.ClientAuth;

/// <summary>
/// <c>remoteJWKS</c>: the key set at one URI, fetched on first use and kept for <c>cacheDuration</c>. After that the
/// cached keys keep serving while one background fetch replaces them (a slow or failing issuer never stalls requests
/// that already have keys). A token whose <c>kid</c> is unknown triggers a fetch at most every
/// <see cref="KidRefreshInterval"/> (key rotation). Fetches are single-flight; the only traffic is to the URI.
/// </summary>
internal sealed partial class RemoteJwksSource(Uri uri, TimeSpan cacheDuration, HttpClient http, TimeProvider time, ILogger logger) : JwksSource
{
    public static readonly TimeSpan KidRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>With no keys yet, how long after a failed fetch requests are answered at once instead of fetching again.</summary>
    public static readonly TimeSpan FailureBackOff = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private JwksKeySet? _keys;
    private DateTimeOffset _fetchedAt;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;
    private bool _lastFailed;
    private Task<JwksKeySet?>? _inflight;

    public Uri Uri { get; } = uri;

    public TimeSpan CacheDuration { get; } = cacheDuration;

    public override async ValueTask<JwksKeySet?> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        JwksKeySet? keys;
        bool stale;
        bool mayFetchForKid;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            keys = _keys;
            stale = keys is not null && now - _fetchedAt >= CacheDuration;
            mayFetchForKid = now - _lastAttempt >= KidRefreshInterval;
        }

        try
        {
            if (keys is null)
            {
                return await StartFetch().WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (kid is not null && !keys.HasKey(kid) && mayFetchForKid)
            {
                return await StartFetch().WaitAsync(cancellationToken).ConfigureAwait(false) ?? keys;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return keys; // the client went away; the fetch goes on for the next request
        }

        if (stale)
        {
            _ = StartFetch();
        }

        return keys;
    }

    /// <summary>The fetch in flight, or a new one; a completed null while backing off after a failure.</summary>
    private Task<JwksKeySet?> StartFetch()
    {
        lock (_lock)
        {
            if (_inflight is not null)
            {
                return _inflight;
            }

            var now = time.GetUtcNow();
            if (_lastFailed && now - _lastAttempt < FailureBackOff)
            {
                return Task.FromResult(_keys);
            }

            _lastAttempt = now;
            _inflight = Task.Run(FetchAsync); // assigned under the lock, so FetchAsync's clean-up runs after it
            return _inflight;
        }
    }

    private async Task<JwksKeySet?> FetchAsync()
    {
        string? failure;
        JwksKeySet? fetched = null;
        try
        {
            using var timeout = new CancellationTokenSource(FetchTimeout, time);
            using var request = new HttpRequestMessage(HttpMethod.Get, Uri);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                failure = $"HTTP {(int)response.StatusCode}";
            }
            else
            {
                var json = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                fetched = JwksKeySet.TryParse(json, out failure);
            }
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the outcome is "no new keys": logged below, and requests get the cached keys or a 503.
            failure = ex switch
            {
                HttpRequestException http => Describe(http),
                OperationCanceledException => $"no answer within {FetchTimeout.TotalSeconds:0}s",
                _ => $"{ex.GetType().Name}: {ex.Message}",
            };
        }

        lock (_lock)
        {
            _inflight = null;
            _lastFailed = fetched is null;
            if (fetched is not null)
            {
                _keys = fetched;
                _fetchedAt = time.GetUtcNow();
            }
        }

        if (fetched is not null)
        {
            LogFetched(Uri, fetched.Keys.Count);
            return fetched;
        }

        if (_keys is null)
        {
            LogFetchFailedNoKeys(Uri, failure!);
        }
        else
        {
            LogFetchFailedKeepingKeys(Uri, failure!);
        }

        return _keys;
    }

    private static string Describe(HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "the host name cannot be resolved",
        HttpRequestError.ConnectionError => "the connection failed",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed",
        _ => ex.Message,
    };

    [LoggerMessage(EventId = 500, Level = LogLevel.Debug, Message = "JWKS {Uri}: {Count} signing key(s) fetched")]
    private partial void LogFetched(Uri uri, int count);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "JWKS {Uri} could not be fetched ({Reason}); requests with a token get 503 until it can")]
    private partial void LogFetchFailedNoKeys(Uri uri, string reason);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "JWKS {Uri} could not be refreshed ({Reason}); the keys fetched before stay in use")]
    private partial void LogFetchFailedKeepingKeys(Uri uri, string reason);
}
