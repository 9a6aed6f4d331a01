using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Configuration.Resources;
using Sluice.Model;

namespace Sluice.RateLimiting;

/// <summary>
/// Token rate limits on the request path. Admission: every rule whose selectors match gets a bucket (per Distinct
/// header value, per route unless shared, per fixed window); the request is admitted only if every bucket has
/// budget, and then each is charged its request cost (plus, with reservations, the estimated response cost) in one
/// atomic store operation. Completion: each bucket is charged the response cost computed from the usage (minus the
/// reservation), whether the response completed, failed or the client went away.
/// Local rules always count in process; Global rules in the configured store (Redis, else in process).
/// </summary>
internal sealed class RateLimiter(IRateLimitStore globalStore, IRateLimitStore localStore, RateLimitOptions options, TimeProvider time) : IDisposable
{
    /// <summary>Windows are kept a little past their end so a response settled just after still finds its bucket.</summary>
    private const long TtlMarginSeconds = 5;

    public RateLimitOptions Options => options;

    /// <summary>Counters in process, or Global ones in Redis when <see cref="RateLimitOptions.Redis"/> is set.</summary>
    public static RateLimiter Create(RateLimitOptions options, TimeProvider time, ILogger logger)
    {
        var local = new InMemoryRateLimitStore(time);
        IRateLimitStore global = options.Redis is { } redis ? RedisRateLimitStore.Connect(redis, logger) : local;
        return new RateLimiter(global, local, options, time);
    }

    public async ValueTask<RateLimitAdmission> AdmitAsync(RateLimitPolicyModel policy, RequestCostsModel costs, IHeaderDictionary headers, string model, ReadOnlyMemory<byte> body)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        List<ChargedBucket>? matched = null;
        ReservationEstimate? estimate = null;
        foreach (var rule in policy.Rules)
        {
            if (BucketKey(rule, headers, model) is not { } baseKey)
            {
                continue;
            }

            var reserved = 0L;
            if (options.Reservation && rule.HasResponseCost)
            {
                if (rule.ResponseCostIndex >= 0)
                {
                    estimate ??= ReservationEstimate.For(body.Span, options.ReserveOutputTokens);
                    reserved = estimate.Value.Of(costs.TypeAt(rule.ResponseCostIndex));
                }
                else
                {
                    reserved = rule.ResponseCostNumber;
                }
            }

            (matched ??= []).Add(new ChargedBucket(rule, baseKey, RateLimitWindow.Start(now, rule.Unit), reserved, rule.Scope == RateLimitScope.Global));
        }

        if (matched is null)
        {
            return RateLimitAdmission.Unlimited;
        }

        var local = Charges(matched, global: false, now);
        var global = Charges(matched, global: true, now);
        if (local.Charges.Length > 0)
        {
            var result = await localStore.TryAcquireAsync(local.Charges).ConfigureAwait(false);
            if (result.Status == StoreStatus.Limited)
            {
                return Refused(local.Buckets[result.LimitedIndex], result.Used, now);
            }
        }

        if (global.Charges.Length > 0)
        {
            var result = await globalStore.TryAcquireAsync(global.Charges).ConfigureAwait(false);
            if (result.Status != StoreStatus.Admitted)
            {
                if (result.Status == StoreStatus.Unavailable && options.FailureMode == RateLimitFailureMode.Open)
                {
                    // Admitted uncounted: nothing to settle in the shared store for this request.
                    return new RateLimitAdmission(RateLimitDecision.Admitted, new RateLimitTicket([.. local.Buckets]));
                }

                await GiveBackAsync(local).ConfigureAwait(false);
                return result.Status == StoreStatus.Limited
                    ? Refused(global.Buckets[result.LimitedIndex], result.Used, now)
                    : new RateLimitAdmission(RateLimitDecision.Unavailable, null);
            }
        }

        return new RateLimitAdmission(RateLimitDecision.Admitted, new RateLimitTicket([.. matched]));
    }

    /// <summary>Charges the response costs (from <paramref name="costValues"/>, the route's costs of this request; empty when no usage is known).</summary>
    public async ValueTask CompleteAsync(RateLimitTicket ticket, long[] costValues)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        List<BucketCharge>? local = null;
        List<BucketCharge>? global = null;
        foreach (var bucket in ticket.Buckets)
        {
            var rule = bucket.Rule;
            var actual = rule.ResponseCostIndex >= 0
                ? (rule.ResponseCostIndex < costValues.Length ? costValues[rule.ResponseCostIndex] : 0)
                : rule.ResponseCostNumber;
            var window = RateLimitWindow.Start(now, rule.Unit);

            // Same window: settle the difference. A new window: the reservation stays with the old one, which has
            // ended; the response is charged in full where it ended, as Envoy charges it.
            var charge = window == bucket.WindowStart ? actual - bucket.Reserved : actual;
            if (charge == 0)
            {
                continue;
            }

            var item = new BucketCharge(Key(bucket.BaseKey, window), rule.Limit, 0, charge, Ttl(now, window, rule.Unit));
            (bucket.Global ? (global ??= []) : (local ??= [])).Add(item);
        }

        if (local is not null)
        {
            await localStore.AddAsync([.. local]).ConfigureAwait(false);
        }

        if (global is not null)
        {
            await globalStore.AddAsync([.. global]).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        globalStore.Dispose();
        if (!ReferenceEquals(globalStore, localStore))
        {
            localStore.Dispose();
        }
    }

    /// <summary>
    /// The bucket of <paramref name="rule"/> for this request without its window, or null when a condition does not
    /// hold. Distinct header values appear only as a truncated SHA-256, so keys never carry what clients sent.
    /// </summary>
    internal static string? BucketKey(RateLimitRuleModel rule, IHeaderDictionary headers, string model)
    {
        string[]? distinct = rule.DistinctCount > 0 ? new string[rule.DistinctCount] : null;
        var next = 0;
        foreach (var header in rule.Headers)
        {
            string? value;
            if (header.IsModelHeader)
            {
                value = model;
            }
            else
            {
                var values = headers[header.Name];
                value = values.Count == 0 ? null : values.ToString();
            }

            if (value is null)
            {
                return null; // a missing header never matches, and a Distinct rule does not apply without it
            }

            if (header.Type == RateLimitHeaderMatchType.Distinct)
            {
                distinct![next++] = Hash(value);
            }
            else if (!header.Matches(value))
            {
                return null;
            }
        }

        return distinct is null ? rule.BucketPrefix : rule.BucketPrefix + "|" + string.Join('|', distinct);
    }

    private static string Hash(string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        Span<byte> utf8 = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(value, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, digest);
        return Convert.ToHexStringLower(digest[..16]);
    }

    private static string Key(string baseKey, long windowStart) => string.Concat(baseKey, ":", windowStart.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static long Ttl(long now, long windowStart, RateLimitUnit unit) => RateLimitWindow.SecondsLeft(now, windowStart, unit) + TtlMarginSeconds;

    /// <summary>The admission charges of one store: the request cost plus the reservation.</summary>
    private static (ChargedBucket[] Buckets, BucketCharge[] Charges) Charges(List<ChargedBucket> matched, bool global, long now)
    {
        var count = 0;
        foreach (var bucket in matched)
        {
            count += bucket.Global == global ? 1 : 0;
        }

        if (count == 0)
        {
            return ([], []);
        }

        var buckets = new ChargedBucket[count];
        var charges = new BucketCharge[count];
        var i = 0;
        foreach (var bucket in matched)
        {
            if (bucket.Global != global)
            {
                continue;
            }

            var rule = bucket.Rule;
            buckets[i] = bucket;
            charges[i++] = new BucketCharge(Key(bucket.BaseKey, bucket.WindowStart), rule.ShadowMode ? -1 : rule.Limit, rule.RequestCost, rule.RequestCost + bucket.Reserved, Ttl(now, bucket.WindowStart, rule.Unit));
        }

        return (buckets, charges);
    }

    private ValueTask<StoreStatus> GiveBackAsync((ChargedBucket[] Buckets, BucketCharge[] Charges) local)
    {
        if (local.Charges.Length == 0)
        {
            return ValueTask.FromResult(StoreStatus.Admitted);
        }

        var refunds = new BucketCharge[local.Charges.Length];
        for (var i = 0; i < refunds.Length; i++)
        {
            refunds[i] = local.Charges[i] with { Charge = -local.Charges[i].Charge };
        }

        return localStore.AddAsync(refunds);
    }

    private static RateLimitAdmission Refused(ChargedBucket bucket, long used, long now) =>
        new(RateLimitDecision.Limited, null, new RateLimitRefusal(bucket.Rule, used, RateLimitWindow.SecondsLeft(now, bucket.WindowStart, bucket.Rule.Unit)));
}
