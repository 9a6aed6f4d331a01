using Sluice.Model;

namespace Sluice.Routing;

/// <summary>The first choice of a rule, ignoring health: the lowest priority with any weight, weighted within it.</summary>
internal static class BackendSelector
{
    public static BackendRefModel? Select(RouteRuleModel rule) => new AttemptPlanner(rule, null, DateTimeOffset.MinValue).Next();
}
