using Sluice.Model;

namespace Sluice.Routing;

/// <summary>Picks a backendRef: the lowest priority with any weight, then a weighted random choice within it.</summary>
internal static class BackendSelector
{
    public static BackendRefModel? Select(RouteRuleModel rule)
    {
        foreach (var group in rule.PriorityGroups)
        {
            if (group.TotalWeight <= 0)
            {
                continue;
            }

            if (group.Refs.Count == 1)
            {
                return group.Refs[0];
            }

            var ticket = Random.Shared.Next(group.TotalWeight);
            foreach (var candidate in group.Refs)
            {
                ticket -= candidate.Weight;
                if (ticket < 0)
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
