using Azure.Core;
using Microsoft.Extensions.Logging;

namespace Sluice.Auth.Azure;

/// <summary>
/// One Entra ID token for one BackendSecurityPolicy. Requests read the cached token without waiting; a timer
/// refreshes it ahead of expiry (5 minutes before, or at half-life for short-lived tokens) off the request path.
/// Concurrent requests on a cold cache share one fetch (MSAL has no single flight). A failed refresh keeps the
/// current token while it is valid and retries with back-off; while no token can be had, requests fail fast
/// with the last error instead of each waiting on Entra.
/// </summary>
internal sealed partial class EntraTokenSource : IDisposable
{
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(10);
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private readonly TokenCredential _credential;
    private readonly TokenRequestContext _request;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private CachedToken? _cached;
    private Task<TokenResult>? _inflight;
    private EntraFailure? _lastFailure;
    private DateTimeOffset _retryAt;
    private TimeSpan _backoff = InitialBackoff;
    private volatile bool _disposed;

    public EntraTokenSource(TokenCredential credential, string scope, string description, TimeProvider time, ILogger logger)
    {
        _credential = credential;
        _request = new TokenRequestContext([scope]);
        Description = description;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((EntraTokenSource)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>"backend ns/name (tenant T, client id C)": used in every log line and error.</summary>
    public string Description { get; }

    /// <summary>Fetches the first token in the background, so a wrong secret shows in the log when the config loads.</summary>
    public void WarmUp()
    {
        if (Volatile.Read(ref _cached) is null)
        {
            _ = FetchSharedAsync();
        }
    }

    public ValueTask<TokenResult> GetTokenAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && now < cached.UsableUntil)
        {
            return ValueTask.FromResult(TokenResult.Ok(cached.AuthorizationHeader));
        }

        lock (_lock)
        {
            if (_lastFailure is not null && now < _retryAt && _inflight is null or { IsCompleted: true })
            {
                return ValueTask.FromResult(TokenResult.Failed(_lastFailure));
            }
        }

        return new ValueTask<TokenResult>(FetchSharedAsync().WaitAsync(cancellationToken));
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }

    private Task<TokenResult> FetchSharedAsync()
    {
        lock (_lock)
        {
            if (_inflight is null || _inflight.IsCompleted)
            {
                _inflight = FetchAsync();
            }

            return _inflight;
        }
    }

    private async Task<TokenResult> FetchAsync()
    {
        await Task.Yield(); // never run the fetch inside the caller's lock
        try
        {
            var token = await _credential.GetTokenAsync(_request, CancellationToken.None).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var lifetime = token.ExpiresOn - now;
            var cached = new CachedToken("Bearer " + token.Token, token.ExpiresOn - Min(TimeSpan.FromSeconds(30), lifetime / 4));
            Volatile.Write(ref _cached, cached);
            lock (_lock)
            {
                _lastFailure = null;
                _backoff = InitialBackoff;
            }

            var refreshIn = lifetime > RefreshAhead * 2 ? lifetime - RefreshAhead : lifetime / 2;
            Schedule(refreshIn);
            LogTokenAcquired(Description, token.ExpiresOn);
            return TokenResult.Ok(cached.AuthorizationHeader);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var failure = EntraFailures.Describe(ex, Description);
            TimeSpan retryIn;
            lock (_lock)
            {
                retryIn = _backoff;
                _backoff = Min(_backoff * 2, MaxBackoff);
                _lastFailure = failure;
                _retryAt = _time.GetUtcNow() + retryIn;
            }

            Schedule(retryIn);
            var cached = Volatile.Read(ref _cached);
            if (cached is not null && _time.GetUtcNow() < cached.UsableUntil)
            {
                LogRefreshFailedKeepingToken(failure.Message, retryIn.TotalSeconds);
                return TokenResult.Ok(cached.AuthorizationHeader);
            }

            LogTokenFailed(failure.Message, retryIn.TotalSeconds);
            return TokenResult.Failed(failure);
        }
    }

    private void Schedule(TimeSpan dueIn)
    {
        if (!_disposed)
        {
            _timer.Change(dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        if (!_disposed)
        {
            _ = FetchSharedAsync();
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Entra ID token acquired for {Who}; valid until {ExpiresOn:u}")]
    private partial void LogTokenAcquired(string who, DateTimeOffset expiresOn);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "{Message}; keeping the current token, retrying in {Seconds}s")]
    private partial void LogRefreshFailedKeepingToken(string message, double seconds);

    [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "{Message}; retrying in {Seconds}s")]
    private partial void LogTokenFailed(string message, double seconds);

    private sealed record CachedToken(string AuthorizationHeader, DateTimeOffset UsableUntil);
}

/// <summary>A bearer header value, or why there is none.</summary>
internal readonly record struct TokenResult(string? AuthorizationHeader, EntraFailure? Failure)
{
    public static TokenResult Ok(string header) => new(header, null);

    public static TokenResult Failed(EntraFailure failure) => new(null, failure);
}
