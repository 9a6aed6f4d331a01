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

    /// <summary>How much of a Distinct value's SHA-256 a bucket key keeps.</summary>
    private const int DistinctHashBytes = 16;

    /// <summary>":" and a long's decimal digits.</summary>
    private const int WindowSuffixChars = 21;

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
            var windowStart = RateLimitWindow.Start(now, rule.Unit);
            if (BucketKey(rule, headers, model, windowStart) is not { } key)
            {
                continue;
            }

            var reserved = 0L;
            if (options.Reservation && rule.HasResponseCost)
            {
                if (rule.ResponseCostIndex >= 0)
                {
                    estimate ??= ReservationEstimate.For(body.Span, options.ReserveOutputTokens);
                    reserved = costs.Reservation(rule.ResponseCostIndex, estimate.Value, model);
                }
                else
                {
                    reserved = rule.ResponseCostNumber;
                }
            }

            (matched ??= []).Add(new ChargedBucket(rule, key, windowStart, reserved, rule.Scope == RateLimitScope.Global));
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

    /// <summary>Charges the response costs (from <paramref name="costValues"/>, the route's costs of this request; empty when no usage is known; <see cref="RequestCostsModel.Failed"/> for a CEL cost that failed).</summary>
    public async ValueTask CompleteAsync(RateLimitTicket ticket, long[] costValues)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var buckets = ticket.Buckets;
        var charges = new BucketCharge[buckets.Length];
        var localCount = 0;
        var globalCount = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            var bucket = buckets[i];
            var rule = bucket.Rule;
            var actual = rule.ResponseCostIndex >= 0
                ? (rule.ResponseCostIndex < costValues.Length ? costValues[rule.ResponseCostIndex] : 0)
                : rule.ResponseCostNumber;
            if (actual == RequestCostsModel.Failed)
            {
                continue; // a CEL cost that failed for this response: nothing more is charged (a reservation stays)
            }

            var window = RateLimitWindow.Start(now, rule.Unit);

            // Same window: settle the difference. A new window: the reservation stays with the old one, which has
            // ended; the response is charged in full where it ended, as Envoy charges it.
            var sameWindow = window == bucket.WindowStart;
            var charge = sameWindow ? actual - bucket.Reserved : actual;
            if (charge == 0)
            {
                continue;
            }

            // Local charges fill the array from the front, global ones from the back.
            var item = new BucketCharge(sameWindow ? bucket.Key : Key(bucket.BaseKey, window), rule.Limit, 0, charge, Ttl(now, window, rule.Unit));
            charges[bucket.Global ? charges.Length - 1 - globalCount++ : localCount++] = item;
        }

        if (localCount > 0)
        {
            await localStore.AddAsync(localCount == charges.Length ? charges : charges[..localCount]).ConfigureAwait(false);
        }

        if (globalCount > 0)
        {
            await globalStore.AddAsync(globalCount == charges.Length ? charges : charges[^globalCount..]).ConfigureAwait(false);
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
    /// The bucket of <paramref name="rule"/> for this request, or null when a condition does not hold: the rule's
    /// prefix, <c>|</c> and a truncated SHA-256 (hex) per Distinct header value, so keys never carry what clients
    /// sent, and <c>:windowStart</c> unless <paramref name="windowStart"/> is negative (the bucket across windows).
    /// </summary>
    internal static string? BucketKey(RateLimitRuleModel rule, IHeaderDictionary headers, string model, long windowStart = -1)
    {
        // Distinct values are hashed into one stack buffer and written as hex straight into the key: one string per
        // request and bucket, where joining hex strings and appending the window made six.
        const int MaxStackDistinct = 8;
        Span<byte> digests = rule.DistinctCount <= MaxStackDistinct
            ? stackalloc byte[MaxStackDistinct * DistinctHashBytes]
            : new byte[rule.DistinctCount * DistinctHashBytes];
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
                Hash(value, digests.Slice(next++ * DistinctHashBytes, DistinctHashBytes));
            }
            else if (!header.Matches(value))
            {
                return null;
            }
        }

        if (next == 0)
        {
            return windowStart < 0 ? rule.BucketPrefix : Key(rule.BucketPrefix, windowStart);
        }

        Span<char> window = stackalloc char[WindowSuffixChars];
        var windowLength = windowStart < 0 ? 0 : WindowSuffix(windowStart, window);
        var parts = new KeyParts(rule.BucketPrefix, digests[..(next * DistinctHashBytes)], window[..windowLength]);
        return string.Create(parts.Prefix.Length + (next * (1 + (2 * DistinctHashBytes))) + windowLength, parts, static (chars, parts) =>
        {
            parts.Prefix.CopyTo(chars);
            var at = parts.Prefix.Length;
            for (var i = 0; i < parts.Digests.Length; i += DistinctHashBytes)
            {
                chars[at++] = '|';
                Convert.TryToHexStringLower(parts.Digests.Slice(i, DistinctHashBytes), chars[at..], out var written);
                at += written;
            }

            parts.Window.CopyTo(chars[at..]);
        });
    }

    /// <summary>A Distinct value as the first 16 bytes of its UTF-8 SHA-256.</summary>
    private static void Hash(string value, Span<byte> destination)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        Span<byte> utf8 = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(value, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, digest);
        digest[..DistinctHashBytes].CopyTo(destination);
    }

    /// <summary>The bucket's key in one window: <c>baseKey:windowStart</c>.</summary>
    private static string Key(ReadOnlySpan<char> baseKey, long windowStart)
    {
        Span<char> window = stackalloc char[WindowSuffixChars];
        return string.Concat(baseKey, window[..WindowSuffix(windowStart, window)]);
    }

    /// <summary>Writes <c>:windowStart</c> (the window's Unix second) and returns its length.</summary>
    private static int WindowSuffix(long windowStart, Span<char> destination)
    {
        destination[0] = ':';
        windowStart.TryFormat(destination[1..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        return written + 1;
    }

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
            charges[i++] = new BucketCharge(bucket.Key, rule.ShadowMode ? -1 : rule.Limit, rule.RequestCost, rule.RequestCost + bucket.Reserved, Ttl(now, bucket.WindowStart, rule.Unit));
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

    /// <summary>What a bucket key is written from: the rule's prefix, the Distinct values' digests, the window suffix.</summary>
    private readonly ref struct KeyParts(string prefix, ReadOnlySpan<byte> digests, ReadOnlySpan<char> window)
    {
        public string Prefix { get; } = prefix;

        public ReadOnlySpan<byte> Digests { get; } = digests;

        public ReadOnlySpan<char> Window { get; } = window;
    }
}
