using System.Globalization;
using Microsoft.AspNetCore.Http;
using Sluice.Forwarding;

namespace Sluice.RateLimiting;

/// <summary>
/// The answers of a refused admission, in the OpenAI error envelope: 429 with Retry-After and Envoy's
/// x-ratelimit-* headers (draft-03 format, as Envoy's ratelimit filter writes them), or 503 when the shared store
/// is down and the failure mode is closed.
/// </summary>
internal static class RateLimitResponse
{
    public static Task WriteAsync(HttpResponse response, RateLimitAdmission admission)
    {
        if (admission.Refusal is not { } refusal)
        {
            return ErrorResponse.WriteAsync(response, 503, "the rate limiter's counter store is unavailable and the gateway fails closed; try again shortly", "server_error", "rate_limiter_unavailable");
        }

        var rule = refusal.Rule;
        var window = RateLimitWindow.Seconds(rule.Unit);
        var reset = refusal.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        var limit = rule.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers.RetryAfter = reset;
        response.Headers["x-ratelimit-limit"] = $"{limit}, {limit};w={window.ToString(CultureInfo.InvariantCulture)}";
        response.Headers["x-ratelimit-remaining"] = Math.Max(0, rule.Limit - refusal.Used).ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-reset"] = reset;
        var message = $"rate limit exceeded: {refusal.Used} of {rule.Limit} per {rule.Unit.ToString().ToLowerInvariant()} used (rate limit {rule.BucketPrefix}); try again in {reset}s";
        return ErrorResponse.WriteAsync(response, 429, message, "rate_limit_exceeded", "rate_limit_exceeded");
    }
}
