namespace Sluice.RateLimiting;

/// <summary>
/// One counter operation. <see cref="Cost"/> decides admission (0: admitted while the counter is below the limit;
/// above 0: admitted while counter + cost stays within it); <see cref="Charge"/> is what is then added (the cost
/// plus any reservation). A negative <see cref="Limit"/> never refuses (shadow mode).
/// </summary>
internal readonly record struct BucketCharge(string Key, long Limit, long Cost, long Charge, long TtlSeconds);

internal enum StoreStatus
{
    Admitted,
    Limited,
    Unavailable,
}

/// <summary>The answer of <see cref="IRateLimitStore.TryAcquireAsync"/>: on Limited, which charge refused and its counter.</summary>
internal readonly record struct StoreResult(StoreStatus Status, int LimitedIndex = -1, long Used = 0);

/// <summary>
/// Where counters live: in process (<see cref="InMemoryRateLimitStore"/>) or in Redis (<see cref="RedisRateLimitStore"/>).
/// Both operations are atomic over all their charges: nothing is read and then written in two steps.
/// </summary>
internal interface IRateLimitStore : IDisposable
{
    /// <summary>Checks every charge; only if all admit, adds every charge.</summary>
    ValueTask<StoreResult> TryAcquireAsync(BucketCharge[] charges);

    /// <summary>Adds every charge unconditionally (negative charges give a reservation back).</summary>
    ValueTask<StoreStatus> AddAsync(BucketCharge[] charges);
}
