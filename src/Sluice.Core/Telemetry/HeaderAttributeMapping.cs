using Microsoft.AspNetCore.Http;

namespace Sluice.Telemetry;

/// <summary>
/// Request headers copied into telemetry as attributes, configured as <c>aigw run</c> configures them:
/// <c>OTEL_AIGW_REQUEST_HEADER_ATTRIBUTES</c> for every signal, merged with <c>OTEL_AIGW_METRICS_…</c>,
/// <c>OTEL_AIGW_SPAN_…</c> and <c>OTEL_AIGW_LOG_REQUEST_HEADER_ATTRIBUTES</c>; each a comma-separated list of
/// <c>header:attribute</c>. Spans and logs default to <c>agent-session-id:session.id</c>; metrics never do, since a
/// per-session label would make unbounded series.
/// </summary>
internal sealed record HeaderAttributeMapping(
    IReadOnlyList<KeyValuePair<string, string>> Metrics,
    IReadOnlyList<KeyValuePair<string, string>> Spans,
    IReadOnlyList<KeyValuePair<string, string>> Logs)
{
    public static readonly HeaderAttributeMapping None = new([], [], []);

    private const string SessionDefault = "agent-session-id:session.id";

    public static HeaderAttributeMapping FromEnvironment(Func<string, string?> getEnvironment)
    {
        var shared = Parse(getEnvironment("OTEL_AIGW_REQUEST_HEADER_ATTRIBUTES"));
        return new HeaderAttributeMapping(
            Merge(shared, Parse(getEnvironment("OTEL_AIGW_METRICS_REQUEST_HEADER_ATTRIBUTES"))),
            Merge(shared, Parse(getEnvironment("OTEL_AIGW_SPAN_REQUEST_HEADER_ATTRIBUTES") ?? SessionDefault)),
            Merge(shared, Parse(getEnvironment("OTEL_AIGW_LOG_REQUEST_HEADER_ATTRIBUTES") ?? SessionDefault)));
    }

    /// <summary>The attributes the request's headers give for one signal, in mapping order.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Values(IReadOnlyList<KeyValuePair<string, string>> mapping, IHeaderDictionary headers)
    {
        foreach (var (header, attribute) in mapping)
        {
            if (headers.TryGetValue(header, out var value) && value.Count > 0)
            {
                yield return new(attribute, value.ToString());
            }
        }
    }

    private static List<KeyValuePair<string, string>> Parse(string? text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var entry in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < entry.Length - 1)
            {
                pairs.Add(new(entry[..colon].Trim(), entry[(colon + 1)..].Trim()));
            }
        }

        return pairs;
    }

    private static List<KeyValuePair<string, string>> Merge(List<KeyValuePair<string, string>> shared, List<KeyValuePair<string, string>> specific)
    {
        var merged = new List<KeyValuePair<string, string>>(shared);
        foreach (var pair in specific)
        {
            merged.RemoveAll(p => string.Equals(p.Key, pair.Key, StringComparison.OrdinalIgnoreCase));
            merged.Add(pair);
        }

        return merged;
    }
}
