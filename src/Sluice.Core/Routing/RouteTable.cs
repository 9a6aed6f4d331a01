using Microsoft.AspNetCore.Http;
using Sluice.Model;

namespace Sluice.Routing;

/// <summary>
/// Finds the rule for a request. Matches are ordered as Gateway API orders them (more header conditions first),
/// then Exact-only before regular expressions, then as written. Matches that are a single Exact condition on
/// <c>x-ai-eg-model</c> (the common case) are looked up in a dictionary, so 10,000 models cost one hash lookup.
/// </summary>
internal sealed class RouteTable
{
    public const string ModelHeader = "x-ai-eg-model";

    private readonly Dictionary<string, int> _exactModelIndex;
    private readonly Dictionary<int, MatchEntry> _entriesByPosition = [];
    private readonly MatchEntry[] _scanned;

    public RouteTable(IReadOnlyList<MatchEntry> orderedEntries)
    {
        _exactModelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var scanned = new List<MatchEntry>();
        for (var position = 0; position < orderedEntries.Count; position++)
        {
            var entry = orderedEntries[position] with { Position = position };
            if (entry.Hostnames.Count == 0 && entry.Headers.Length == 1 && entry.Headers[0].Exact is { } model
                && string.Equals(entry.Headers[0].Name, ModelHeader, StringComparison.OrdinalIgnoreCase))
            {
                _exactModelIndex.TryAdd(model, position);
                _entriesByPosition.Add(position, entry);
            }
            else
            {
                scanned.Add(entry);
            }
        }

        _scanned = [.. scanned];
    }

    public int Count => _entriesByPosition.Count + _scanned.Length;

    public RouteRuleModel? Match(string model, IHeaderDictionary headers, string? host)
    {
        var indexed = _exactModelIndex.TryGetValue(model, out var position) ? position : int.MaxValue;
        foreach (var entry in _scanned)
        {
            if (entry.Position > indexed)
            {
                break;
            }

            if (entry.IsMatch(model, headers, host))
            {
                return entry.Rule;
            }
        }

        return indexed == int.MaxValue ? null : _entriesByPosition[indexed].Rule;
    }
}

/// <summary>One entry of a rule's <c>matches</c>, flattened: all its headers must match.</summary>
internal sealed record MatchEntry(RouteRuleModel Rule, HeaderMatchModel[] Headers, IReadOnlyList<string> Hostnames, int Position = 0)
{
    public bool IsMatch(string model, IHeaderDictionary headers, string? host)
    {
        if (Hostnames.Count > 0 && !HostMatches(host))
        {
            return false;
        }

        foreach (var header in Headers)
        {
            var value = string.Equals(header.Name, RouteTable.ModelHeader, StringComparison.OrdinalIgnoreCase)
                ? model
                : (headers.TryGetValue(header.Name, out var values) ? values.ToString() : null);
            if (!header.IsMatch(value))
            {
                return false;
            }
        }

        return true;
    }

    private bool HostMatches(string? host)
    {
        if (host is null)
        {
            return false;
        }

        var colon = host.LastIndexOf(':');
        var name = colon > 0 && !host.EndsWith(']') ? host.AsSpan(0, colon) : host.AsSpan();
        foreach (var pattern in Hostnames)
        {
            if (pattern.StartsWith("*.", StringComparison.Ordinal)
                ? name.EndsWith(pattern.AsSpan(1), StringComparison.OrdinalIgnoreCase) && name.Length > pattern.Length - 1
                : name.Equals(pattern, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
