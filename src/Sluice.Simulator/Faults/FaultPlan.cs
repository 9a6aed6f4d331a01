using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Sluice.Simulator.Faults;

/// <summary>The faults one request asked for through <see cref="FaultHeaders"/>. Unparseable values are ignored.</summary>
internal readonly record struct FaultPlan(
    int? Status,
    int RetryAfterSeconds,
    int DelayMs,
    int? BreakAfter,
    int? StallAfter,
    double? TokensPerSecond,
    int? CompletionTokens)
{
    public const int DefaultRetryAfterSeconds = 1;
    private const int MaxDelayMs = 600_000;
    private const int MaxCompletionTokens = 1_000_000;

    public static FaultPlan FromHeaders(IHeaderDictionary headers) => new(
        Status: TryGetInt(headers, FaultHeaders.Status, 400, 599, out int status) ? status : null,
        RetryAfterSeconds: TryGetInt(headers, FaultHeaders.RetryAfter, 0, 86_400, out int retryAfter)
            ? retryAfter
            : DefaultRetryAfterSeconds,
        DelayMs: TryGetInt(headers, FaultHeaders.DelayMs, 0, MaxDelayMs, out int delay) ? delay : 0,
        BreakAfter: TryGetInt(headers, FaultHeaders.BreakAfter, 0, int.MaxValue, out int breakAfter) ? breakAfter : null,
        StallAfter: TryGetInt(headers, FaultHeaders.StallAfter, 0, int.MaxValue, out int stallAfter) ? stallAfter : null,
        TokensPerSecond: TryGetRate(headers, out double rate) ? rate : null,
        CompletionTokens: TryGetInt(headers, FaultHeaders.CompletionTokens, 0, MaxCompletionTokens, out int tokens)
            ? tokens
            : null);

    private static bool TryGetInt(IHeaderDictionary headers, string name, int min, int max, out int value)
    {
        value = 0;
        return headers.TryGetValue(name, out StringValues values)
            && values.Count == 1
            && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value >= min
            && value <= max;
    }

    private static bool TryGetRate(IHeaderDictionary headers, out double rate)
    {
        rate = 0;
        return headers.TryGetValue(FaultHeaders.TokensPerSecond, out StringValues values)
            && values.Count == 1
            && double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out rate)
            && double.IsFinite(rate)
            && rate >= 0;
    }
}
