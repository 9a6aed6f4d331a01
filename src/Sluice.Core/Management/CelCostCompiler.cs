using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;
using Sluice.Costs;
using Sluice.Routing;
using Sluice.Usage;

namespace Sluice.Management;

/// <summary>
/// Compiles the CEL cost expressions of one config load. Each distinct expression is parsed once (a global one is
/// shared by every route), then checked against each route that uses it: it is evaluated with sample token counts
/// for every model the route matches by name and every backend it can pick, so an unknown variable or function, a
/// type mix CEL refuses (a uint times a double) or a result that is not an integer is a config error at the
/// <c>cel</c> field, naming the route and key, and not a surprise at the first request. Failures that depend on the
/// numbers (overflow, division by zero, a negative result) are left to request time.
/// </summary>
internal sealed class CelCostCompiler(DiagnosticBag diagnostics)
{
    /// <summary>Sample counts in which every subtraction the usual pricing formulas make stays positive.</summary>
    private static readonly TokenUsage Sample = new(Input: 3, CachedInput: 1, CacheCreationInput: 1, Output: 2, Reasoning: 1, Total: 5);

    /// <summary>At most this many model × backend combinations are tried per route and expression.</summary>
    private const int MaxTrials = 64;

    private readonly Dictionary<string, CelCostExpression?> _compiled = new(StringComparer.Ordinal);
    private readonly HashSet<(string Expression, string Reason)> _reported = [];

    /// <summary>The compiled expression for <paramref name="cost"/> on <paramref name="route"/>; null after reporting why not.</summary>
    public CelCostExpression? Compile(LlmRequestCostConfig cost, AIGatewayRouteConfig route, string[] backends)
    {
        var text = cost.Cel ?? "";
        if (!_compiled.TryGetValue(text, out var expression))
        {
            expression = CelCostExpression.TryCompile(text, out var error);
            _compiled[text] = expression;
            if (expression is null && !string.IsNullOrWhiteSpace(text))
            {
                diagnostics.Error(cost.Location, $"metadataKey '{cost.MetadataKey}': {error}");
            }
        }

        return expression is not null && Check(expression, cost, route, backends) ? expression : null;
    }

    private bool Check(CelCostExpression expression, LlmRequestCostConfig cost, AIGatewayRouteConfig route, string[] backends)
    {
        var routeName = $"{route.Meta.Namespace}/{route.Meta.Name}";
        var models = ModelsOf(route);
        var trials = 0;
        foreach (var model in models)
        {
            foreach (var backend in backends)
            {
                if (++trials > MaxTrials)
                {
                    return true;
                }

                if (!expression.TryEvaluate(new CostInputs(Sample, model, backend, routeName), out _, out var failure) && !failure.ValueDependent)
                {
                    if (_reported.Add((expression.Text, failure.Reason)))
                    {
                        var with = model.Length == 0 ? "" : $" (model '{model}', backend '{backend}')";
                        var of = cost.Location.Resource == $"AIGatewayRoute {routeName}" ? "" : $" of AIGatewayRoute {routeName}"; // a global's error names the route
                        diagnostics.Error(cost.Location, $"metadataKey '{cost.MetadataKey}'{of}: the CEL expression fails{with}: {failure.Reason}");
                    }

                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>"" (any model) and every model a rule of the route matches exactly by name.</summary>
    private static List<string> ModelsOf(AIGatewayRouteConfig route)
    {
        var models = new List<string> { "" };
        foreach (var rule in route.Rules)
        {
            foreach (var match in rule.Matches)
            {
                foreach (var header in match.Headers)
                {
                    if (header.Type == HeaderMatchType.Exact && string.Equals(header.Name, RouteTable.ModelHeader, StringComparison.OrdinalIgnoreCase) && !models.Contains(header.Value))
                    {
                        models.Add(header.Value);
                    }
                }
            }
        }

        return models;
    }
}
