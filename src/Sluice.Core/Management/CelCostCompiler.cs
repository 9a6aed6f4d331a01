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

    private readonly Dictionary<string, (CelCostExpression? Expression, string? Error)> _compiled = new(StringComparer.Ordinal);
    private readonly HashSet<(ConfigLocation Where, string Reason)> _reported = [];

    /// <summary>
    /// The compiled expression for <paramref name="cost"/> on the route <paramref name="routeName"/>; null after
    /// reporting why not. Each error is reported once per place it is written: a global entry that fails on several
    /// routes is one error (naming the first route), the same text written in two routes is two.
    /// </summary>
    /// <param name="global">Whether the entry is the GatewayConfig's: then its errors name the route they failed on.</param>
    public CelCostExpression? Compile(LlmRequestCostConfig cost, AIGatewayRouteConfig route, string routeName, string[] backends, bool global)
    {
        var text = cost.Cel ?? "";
        if (!_compiled.TryGetValue(text, out var compiled))
        {
            compiled.Expression = CelCostExpression.TryCompile(text, out compiled.Error);
            _compiled[text] = compiled;
        }

        if (compiled.Expression is null)
        {
            // An empty cel was reported by the parser (LlmRequestCostParser), which owns the "is required" errors.
            if (!string.IsNullOrWhiteSpace(text))
            {
                Report(cost, compiled.Error!);
            }

            return null;
        }

        var of = global ? $" of AIGatewayRoute {routeName}" : "";
        var trials = 0;
        foreach (var model in ModelsOf(route))
        {
            foreach (var backend in backends)
            {
                if (++trials > MaxTrials)
                {
                    return compiled.Expression;
                }

                if (!compiled.Expression.TryEvaluate(new CostInputs(Sample, model, backend, routeName), out _, out var failure) && !failure.ValueDependent)
                {
                    var with = model.Length == 0 ? "" : $" (model '{model}', backend '{backend}')";
                    Report(cost, $"the CEL expression fails{with}: {failure.Reason}", of);
                    return null;
                }
            }
        }

        return compiled.Expression;
    }

    private void Report(LlmRequestCostConfig cost, string reason, string of = "")
    {
        if (_reported.Add((cost.Location, reason)))
        {
            diagnostics.Error(cost.Location, $"metadataKey '{cost.MetadataKey}'{of}: {reason}");
        }
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
