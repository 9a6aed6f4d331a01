using System.Text.RegularExpressions;
using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;
using Sluice.Model;
using Sluice.Routing;

namespace Sluice.Management;

/// <summary>Compiles AIGatewayRoute rules into match entries and backend groups.</summary>
internal sealed class RouteCompiler(
    IReadOnlyDictionary<(string Namespace, string Name), (AIServiceBackendConfig Config, BackendModel? Model)> backends,
    TrafficPolicyCompiler trafficPolicies,
    RateLimitCompiler rateLimits,
    DiagnosticBag diagnostics)
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);

    private readonly List<(MatchEntry Entry, int Order, bool HasRegex)> _entries = [];
    private readonly List<ModelListing> _models = [];

    public IReadOnlyList<ModelListing> Models => _models;

    public void Compile(AIGatewayRouteConfig route)
    {
        var costs = rateLimits.Costs(route);
        var rateLimit = rateLimits.RateLimit(route, costs);
        for (var ruleIndex = 0; ruleIndex < route.Rules.Count; ruleIndex++)
        {
            CompileRule(route, route.Rules[ruleIndex], ruleIndex, costs, rateLimit);
        }
    }

    /// <summary>Entries in precedence order: more header conditions first, then Exact-only before regex, then as written.</summary>
    public RouteTable BuildTable()
    {
        var ordered = _entries
            .OrderByDescending(static e => e.Entry.Headers.Length)
            .ThenBy(static e => e.HasRegex)
            .ThenBy(static e => e.Order)
            .Select(static e => e.Entry)
            .ToList();
        return new RouteTable(ordered);
    }

    private void CompileRule(AIGatewayRouteConfig route, RouteRuleConfig rule, int ruleIndex, RequestCostsModel costs, RateLimitPolicyModel? rateLimit)
    {
        var rulePath = $"spec.rules[{ruleIndex}]";
        var groups = new SortedDictionary<int, List<BackendRefModel>>();
        for (var i = 0; i < rule.BackendRefs.Count; i++)
        {
            var reference = rule.BackendRefs[i];
            var target = reference.Backend;
            var location = target.Location with { FieldPath = $"{rulePath}.backendRefs[{i}].name" };
            if (target.Kind is not null and not "AIServiceBackend")
            {
                diagnostics.Error(location with { FieldPath = $"{rulePath}.backendRefs[{i}].kind" }, $"{target.Kind} backends are not supported yet (use an AIServiceBackend)");
                continue;
            }

            var ns = target.NamespaceOr(route.Meta.Namespace);
            if (!backends.TryGetValue((ns, target.Name), out var backend))
            {
                diagnostics.Error(location, $"AIServiceBackend \"{target.Name}\" not found");
                continue;
            }

            if (backend.Model is null)
            {
                continue; // the backend's own errors are already reported
            }

            if (!groups.TryGetValue(reference.Priority, out var group))
            {
                groups[reference.Priority] = group = [];
            }

            group.Add(new BackendRefModel
            {
                Backend = backend.Model,
                Weight = reference.Weight,
                Priority = reference.Priority,
                ModelNameOverride = string.IsNullOrEmpty(reference.ModelNameOverride) ? null : reference.ModelNameOverride,
                HeaderMutation = MutationMerger.Headers(backend.Config.HeaderMutation, reference.HeaderMutation),
                BodyMutation = MutationMerger.Body(backend.Config.BodyMutation, reference.BodyMutation),
            });
        }

        var (retry, health) = trafficPolicies.For(route.Meta);
        var model = new RouteRuleModel
        {
            Retry = retry,
            Health = health,
            Costs = costs,
            RateLimit = rateLimit,
            RouteName = $"{route.Meta.Namespace}/{route.Meta.Name}",
            RuleName = rule.Name ?? ruleIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Hostnames = route.Hostnames,
            PriorityGroups = groups.Select(static g => new BackendGroupModel(g.Key, g.Value)).ToList(),
            RequestTimeout = rule.RequestTimeout is { } t && t > TimeSpan.Zero ? t : DefaultRequestTimeout,
            BackendRequestTimeout = rule.BackendRequestTimeout,
            StreamIdleTimeout = rule.StreamIdleTimeout,
        };

        var matches = rule.Matches.Count == 0 ? [new RouteMatchConfig([], rule.Location)] : rule.Matches;
        foreach (var match in matches)
        {
            var headers = new List<HeaderMatchModel>(match.Headers.Count);
            var hasRegex = false;
            foreach (var header in match.Headers)
            {
                if (header.Type == HeaderMatchType.Exact)
                {
                    headers.Add(new HeaderMatchModel(header.Name, header.Value, null));
                    if (string.Equals(header.Name, RouteTable.ModelHeader, StringComparison.OrdinalIgnoreCase))
                    {
                        _models.Add(new ModelListing(header.Value, model.RouteName, rule.ModelsOwnedBy, rule.ModelsCreatedAt));
                    }

                    continue;
                }

                hasRegex = true;
                if (CompileRegex(header) is { } regex)
                {
                    headers.Add(new HeaderMatchModel(header.Name, null, regex));
                }
            }

            _entries.Add((new MatchEntry(model, [.. headers], route.Hostnames), _entries.Count, hasRegex));
        }
    }

    private Regex? CompileRegex(HeaderMatchConfig header)
    {
        try
        {
            // Envoy's RE2 matches the whole value and runs in linear time; NonBacktracking gives the same guarantees.
            return new Regex($"^(?:{header.Value})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (ArgumentException ex)
        {
            diagnostics.Error(header.Location with { FieldPath = header.Location.FieldPath + ".value" }, $"'{header.Value}' is not a valid regular expression: {ex.Message}");
            return null;
        }
    }
}

/// <summary>A model name to list in GET /v1/models, with the route that serves it.</summary>
internal sealed record ModelListing(string Id, string RouteName, string? OwnedBy, DateTimeOffset? CreatedAt);
