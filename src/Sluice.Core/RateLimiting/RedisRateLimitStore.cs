using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Sluice.RateLimiting;

/// <summary>
/// Counters in Redis, shared by every Sluice replica that points at it. Each operation is one Lua script, so the
/// check and the charge happen atomically on the server (never read-then-write from here). All keys share the hash
/// tag <c>{sluice-rl}</c> so a multi-key script also works on Redis Cluster (in one slot).
/// While Redis is unreachable the store answers <see cref="StoreStatus.Unavailable"/> at once (no queueing), logs
/// the outage once, and the multiplexer reconnects in the background; the first success logs the recovery.
/// </summary>
internal sealed partial class RedisRateLimitStore : IRateLimitStore
{
    public const string KeyPrefix = "{sluice-rl}:";

    // KEYS[i]: bucket; ARGV[4i-3..4i]: limit (negative: never refuses), cost, charge, ttl seconds.
    private const string AcquireScript = """
        local n = #KEYS
        for i = 1, n do
          local limit = tonumber(ARGV[i * 4 - 3])
          if limit >= 0 then
            local cost = tonumber(ARGV[i * 4 - 2])
            local used = tonumber(redis.call('GET', KEYS[i]) or '0')
            if (cost == 0 and used >= limit) or (cost > 0 and used + cost > limit) then
              return {0, i - 1, used}
            end
          end
        end
        for i = 1, n do
          local charge = tonumber(ARGV[i * 4 - 1])
          if charge ~= 0 then
            redis.call('INCRBY', KEYS[i], charge)
            redis.call('EXPIRE', KEYS[i], tonumber(ARGV[i * 4]))
          end
        end
        return {1, -1, 0}
        """;

    // KEYS[i]: bucket; ARGV[2i-1..2i]: charge (negative gives a reservation back), ttl seconds.
    private const string AddScript = """
        for i = 1, #KEYS do
          local charge = tonumber(ARGV[i * 2 - 1])
          if charge ~= 0 then
            redis.call('INCRBY', KEYS[i], charge)
            redis.call('EXPIRE', KEYS[i], tonumber(ARGV[i * 2]))
          end
        end
        return 1
        """;

    private readonly ConnectionMultiplexer _redis;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private int _down;

    private RedisRateLimitStore(ConnectionMultiplexer redis, string endpoint, ILogger logger)
    {
        _redis = redis;
        _endpoint = endpoint;
        _logger = logger;
    }

    /// <summary>Parses the configuration (a bad one throws <see cref="ArgumentException"/> at start-up) and starts connecting; an unreachable Redis is not an error here.</summary>
    public static RedisRateLimitStore Connect(string configuration, ILogger logger)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;           // start without Redis; reconnect in the background
        options.BacklogPolicy = BacklogPolicy.FailFast; // never queue requests behind an outage
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 1000;
        options.AsyncTimeout = 1000;
        options.ConnectRetry = 1;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ClientName ??= "sluice";
        var endpoint = string.Join(",", options.EndPoints.Select(static e => e.ToString()));
        var redis = ConnectionMultiplexer.Connect(options);
        var store = new RedisRateLimitStore(redis, endpoint, logger);
        if (!redis.IsConnected)
        {
            store.MarkDown("not reachable at start-up");
        }

        return store;
    }

    public async ValueTask<StoreResult> TryAcquireAsync(BucketCharge[] charges)
    {
        var keys = new RedisKey[charges.Length];
        var args = new RedisValue[charges.Length * 4];
        for (var i = 0; i < charges.Length; i++)
        {
            keys[i] = KeyPrefix + charges[i].Key;
            args[i * 4] = charges[i].Limit;
            args[(i * 4) + 1] = charges[i].Cost;
            args[(i * 4) + 2] = charges[i].Charge;
            args[(i * 4) + 3] = charges[i].TtlSeconds;
        }

        if (await EvaluateAsync(AcquireScript, keys, args).ConfigureAwait(false) is not { } evaluated)
        {
            return new StoreResult(StoreStatus.Unavailable);
        }

        var result = (RedisResult[])evaluated!;
        return (long)result[0] == 1
            ? new StoreResult(StoreStatus.Admitted)
            : new StoreResult(StoreStatus.Limited, (int)result[1], (long)result[2]);
    }

    public async ValueTask<StoreStatus> AddAsync(BucketCharge[] charges)
    {
        var keys = new RedisKey[charges.Length];
        var args = new RedisValue[charges.Length * 2];
        for (var i = 0; i < charges.Length; i++)
        {
            keys[i] = KeyPrefix + charges[i].Key;
            args[i * 2] = charges[i].Charge;
            args[(i * 2) + 1] = charges[i].TtlSeconds;
        }

        return await EvaluateAsync(AddScript, keys, args).ConfigureAwait(false) is null ? StoreStatus.Unavailable : StoreStatus.Admitted;
    }

    public void Dispose() => _redis.Dispose();

    /// <summary>Runs one script; null when Redis is down (checked first, so an outage costs no exception per request) or fails.</summary>
    private async ValueTask<RedisResult?> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] args)
    {
        if (!_redis.IsConnected)
        {
            MarkDown("disconnected");
            return null;
        }

        try
        {
            var result = await _redis.GetDatabase().ScriptEvaluateAsync(script, keys, args).ConfigureAwait(false);
            MarkUp();
            return result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            MarkDown(ex.Message);
            return null;
        }
    }

    private void MarkDown(string reason)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            LogUnavailable(_endpoint, reason);
        }
    }

    private void MarkUp()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            LogRecovered(_endpoint);
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "rate-limit Redis {Endpoint} unavailable ({Reason}); applying the failure mode until it returns")]
    private partial void LogUnavailable(string endpoint, string reason);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "rate-limit Redis {Endpoint} reachable again; limits are counted again")]
    private partial void LogRecovered(string endpoint);
}
