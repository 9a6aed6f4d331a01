using Sluice.Configuration.Resources;

namespace Sluice.RateLimiting;

/// <summary>
/// Fixed windows aligned to the Unix epoch, as Envoy's ratelimit service counts them: a Minute limit resets at every
/// whole minute, Month is 30 days and Year 365 days. Every replica computes the same window from its clock.
/// </summary>
internal static class RateLimitWindow
{
    public static long Seconds(RateLimitUnit unit) => unit switch
    {
        RateLimitUnit.Second => 1,
        RateLimitUnit.Minute => 60,
        RateLimitUnit.Hour => 3600,
        RateLimitUnit.Day => 86_400,
        RateLimitUnit.Month => 30 * 86_400L,
        _ => 365 * 86_400L,
    };

    public static long Start(long nowSeconds, RateLimitUnit unit)
    {
        var size = Seconds(unit);
        return nowSeconds - (nowSeconds % size);
    }

    /// <summary>Whole seconds until the window of <paramref name="windowStart"/> ends (at least 1).</summary>
    public static long SecondsLeft(long nowSeconds, long windowStart, RateLimitUnit unit) =>
        Math.Max(1, windowStart + Seconds(unit) - nowSeconds);
}
