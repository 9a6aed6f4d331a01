namespace Sluice.RateLimiting;

/// <summary>
/// Counters in this process: the default for Global rules without Redis, and always for Local rules. One lock makes
/// check-then-charge atomic across a request's buckets (held for microseconds); expired windows are swept once a
/// minute.
/// </summary>
internal sealed class InMemoryRateLimitStore(TimeProvider time) : IRateLimitStore
{
    private const long SweepEverySeconds = 60;

    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _nextSweep;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _counters.Count;
            }
        }
    }

    public ValueTask<StoreResult> TryAcquireAsync(BucketCharge[] charges)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate)
        {
            SweepIfDue(now);
            for (var i = 0; i < charges.Length; i++)
            {
                var charge = charges[i];
                if (charge.Limit < 0)
                {
                    continue;
                }

                var used = _counters.TryGetValue(charge.Key, out var counter) && counter.ExpiresAt > now ? counter.Used : 0;
                if (charge.Cost == 0 ? used >= charge.Limit : used + charge.Cost > charge.Limit)
                {
                    return ValueTask.FromResult(new StoreResult(StoreStatus.Limited, i, used));
                }
            }

            AddLocked(charges, now);
        }

        return ValueTask.FromResult(new StoreResult(StoreStatus.Admitted));
    }

    public ValueTask<StoreStatus> AddAsync(BucketCharge[] charges)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate)
        {
            AddLocked(charges, now);
        }

        return ValueTask.FromResult(StoreStatus.Admitted);
    }

    public void Dispose()
    {
    }

    private void AddLocked(BucketCharge[] charges, long now)
    {
        foreach (var charge in charges)
        {
            if (charge.Charge == 0)
            {
                continue;
            }

            if (!_counters.TryGetValue(charge.Key, out var counter) || counter.ExpiresAt <= now)
            {
                _counters[charge.Key] = counter = new Counter();
            }

            counter.Used += charge.Charge;
            counter.ExpiresAt = Math.Max(counter.ExpiresAt, now + charge.TtlSeconds);
        }
    }

    private void SweepIfDue(long now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + SweepEverySeconds;
        List<string>? expired = null;
        foreach (var (key, counter) in _counters)
        {
            if (counter.ExpiresAt <= now)
            {
                (expired ??= []).Add(key);
            }
        }

        if (expired is not null)
        {
            foreach (var key in expired)
            {
                _counters.Remove(key);
            }
        }
    }

    private sealed class Counter
    {
        public long Used;
        public long ExpiresAt;
    }
}
