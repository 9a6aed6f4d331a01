using System.Text.RegularExpressions;
using Sluice.Configuration.Parsing;
using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;
using Sluice.Costs;
using Sluice.Model;
using Sluice.Routing;

namespace Sluice.Management;

/// <summary>
/// Compiles a route's effective request costs (its llmRequestCosts over the GatewayConfig's globals) and the
/// rate-limit rules of the BackendTrafficPolicy that applies to it. A Metadata cost must name one of that route's
/// cost keys; anything else is a config error at the policy's line.
/// </summary>
internal sealed class RateLimitCompiler(TrafficPolicyCompiler policies, IReadOnlyList<LlmRequestCostConfig> globalCosts, DiagnosticBag diagnostics)
{
    private readonly Dictionary<string, Regex?> _regexes = new(StringComparer.Ordinal);
    private readonly CelCostCompiler _cel = new(diagnostics);

    public RequestCostsModel Costs(AIGatewayRouteConfig route)
    {
        var keys = new List<string>();
        var types = new List<LlmCostType>();
        var expressions = new List<CelCostExpression?>();
        var routeName = $"{route.Meta.Namespace}/{route.Meta.Name}";
        var backends = BackendsOf(route);
        foreach (var cost in route.LlmRequestCosts)
        {
            Add(cost, global: false);
        }

        foreach (var cost in globalCosts)
        {
            if (!keys.Contains(cost.MetadataKey))
            {
                Add(cost, global: true);
            }
        }

        return keys.Count == 0
            ? RequestCostsModel.None
            : new RequestCostsModel([.. keys], [.. types], [.. expressions], routeName, backends);

        // A cost whose type or expression is wrong was reported already (by the parser or the CEL compiler): skipped.
        void Add(LlmRequestCostConfig cost, bool global)
        {
            if (cost.Type == "CEL")
            {
                if (_cel.Compile(cost, route, routeName, backends, global) is { } expression)
                {
                    Append(cost.MetadataKey, LlmCostType.Cel, expression);
                }
            }
            else if (Array.IndexOf(LlmRequestCostParser.TokenTypes, cost.Type) >= 0)
            {
                Append(cost.MetadataKey, Enum.Parse<LlmCostType>(cost.Type), null);
            }
        }

        void Append(string key, LlmCostType type, CelCostExpression? expression)
        {
            keys.Add(key);
            types.Add(type);
            expressions.Add(expression);
        }
    }

    public RateLimitPolicyModel? RateLimit(AIGatewayRouteConfig route, RequestCostsModel costs)
    {
        if (policies.PolicyOf(route.Meta) is not { RateLimit: { } rateLimit } policy)
        {
            return null;
        }

        var rules = new List<RateLimitRuleModel>(rateLimit.Rules.Count);
        foreach (var rule in rateLimit.Rules)
        {
            if (Compile(policy, rule, route, costs) is { } model)
            {
                rules.Add(model);
            }
        }

        return rules.Count == 0 ? null : new RateLimitPolicyModel([.. rules]);
    }

    /// <summary>Every backend the route's rules name, as CEL's <c>backend</c> sees it (<c>name.namespace</c>).</summary>
    private static string[] BackendsOf(AIGatewayRouteConfig route)
    {
        var names = new List<string>();
        foreach (var rule in route.Rules)
        {
            foreach (var reference in rule.BackendRefs)
            {
                var name = CostInputs.BackendName(reference.Backend.Name, reference.Backend.NamespaceOr(route.Meta.Namespace));
                if (!names.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        return names.Count == 0 ? [""] : [.. names];
    }

    private RateLimitRuleModel? Compile(BackendTrafficPolicyConfig policy, RateLimitRuleConfig rule, AIGatewayRouteConfig route, RequestCostsModel costs)
    {
        var routeName = $"{route.Meta.Namespace}/{route.Meta.Name}";
        var ok = true;
        var requestCost = rule.RequestCost?.Number ?? 1; // Envoy's default: each request costs 1

        var responseIndex = -1;
        var responseNumber = 0L;
        if (rule.ResponseCost is { } response)
        {
            if (response.From == RateLimitCostSource.Number)
            {
                responseNumber = response.Number;
            }
            else
            {
                responseIndex = costs.IndexOf(response.MetadataKey!);
                if (responseIndex < 0 && !IsCel(route, response.MetadataKey!))
                {
                    var known = costs.Count == 0 ? "it has none" : "it has " + string.Join(", ", costs.Keys);
                    diagnostics.Error(response.Location, $"'{response.MetadataKey}' is not an llmRequestCosts metadataKey of AIGatewayRoute {routeName} or of the GatewayConfig's globalLLMRequestCosts ({known})");
                    ok = false;
                }
            }
        }

        var headers = new List<RateLimitHeaderModel>(rule.Headers.Count);
        var distinct = 0;
        foreach (var header in rule.Headers)
        {
            Regex? pattern = null;
            if (header.Type == RateLimitHeaderMatchType.RegularExpression)
            {
                pattern = CompileRegex(header);
                ok &= pattern is not null;
            }

            distinct += header.Type == RateLimitHeaderMatchType.Distinct ? 1 : 0;
            headers.Add(new RateLimitHeaderModel
            {
                Name = header.Name,
                Type = header.Type,
                Exact = header.Type == RateLimitHeaderMatchType.Exact ? header.Value : null,
                Pattern = pattern,
                Invert = header.Invert,
                IsModelHeader = string.Equals(header.Name, RouteTable.ModelHeader, StringComparison.OrdinalIgnoreCase),
            });
        }

        if (!ok)
        {
            return null;
        }

        var scope = rule.Scope == RateLimitScope.Global ? "global" : "local";
        var prefix = $"{policy.Meta.Namespace}/{policy.Meta.Name}/{scope}/{rule.Index}";
        return new RateLimitRuleModel
        {
            BucketPrefix = rule.Shared ? prefix : $"{prefix}@{routeName}",
            Scope = rule.Scope,
            Headers = [.. headers],
            Limit = rule.Requests,
            Unit = rule.Unit,
            RequestCost = requestCost,
            ResponseCostIndex = responseIndex,
            ResponseCostNumber = responseNumber,
            ShadowMode = rule.ShadowMode,
            DistinctCount = distinct,
        };
    }

    /// <summary>A CEL cost that did not compile is left out of the route's costs; its error was reported already.</summary>
    private bool IsCel(AIGatewayRouteConfig route, string key) =>
        route.LlmRequestCosts.Any(c => c.MetadataKey == key && c.Type == "CEL") || globalCosts.Any(c => c.MetadataKey == key && c.Type == "CEL");

    private Regex? CompileRegex(RateLimitHeaderConfig header)
    {
        if (_regexes.TryGetValue(header.Value!, out var cached))
        {
            return cached;
        }

        try
        {
            // Envoy's RE2 matches the whole value in linear time; NonBacktracking gives the same guarantees.
            var regex = new Regex($"^(?:{header.Value})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            _regexes[header.Value!] = regex;
            return regex;
        }
        catch (ArgumentException ex)
        {
            diagnostics.Error(header.Location with { FieldPath = header.Location.FieldPath + ".value" }, $"'{header.Value}' is not a valid regular expression: {ex.Message}");
            _regexes[header.Value!] = null; // reported once, however many routes the policy covers
            return null;
        }
    }
}
