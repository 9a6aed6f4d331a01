using Sluice.Model;

namespace Sluice.Routing;

/// <summary>
/// Chooses the backendRef for each attempt of one request: the lowest priority first, weighted within it,
/// skipping backends already tried by this request and backends ejected by passive health. With
/// <c>numAttemptsPerPriority</c> set, it moves to the next priority after that many attempts; otherwise after every
/// backend of the priority was tried. When every candidate is ejected it still tries the one that recovers first;
/// when every backend was tried, retries start over.
/// </summary>
internal sealed class AttemptPlanner(RouteRuleModel rule, BackendHealthRegistry? health, DateTimeOffset now)
{
    private readonly List<BackendRefModel> _tried = [];
    private int _priority;
    private int _attemptsAtPriority;

    public BackendRefModel? Next()
    {
        var choice = NextHealthy() ?? SoonestToRecover();
        if (choice is null && _tried.Count > 0)
        {
            _tried.Clear();
            _priority = 0;
            _attemptsAtPriority = 0;
            choice = NextHealthy() ?? SoonestToRecover();
        }

        if (choice is not null)
        {
            _tried.Add(choice);
            _attemptsAtPriority++;
        }

        return choice;
    }

    private BackendRefModel? NextHealthy()
    {
        var groups = rule.PriorityGroups;
        for (; _priority < groups.Count; _priority++, _attemptsAtPriority = 0)
        {
            if (rule.Retry.AttemptsPerPriority is { } limit && _attemptsAtPriority >= limit)
            {
                continue;
            }

            var choice = WeightedPick(groups[_priority], healthyOnly: true);
            if (choice is not null)
            {
                return choice;
            }
        }

        return null;
    }

    private BackendRefModel? WeightedPick(BackendGroupModel group, bool healthyOnly)
    {
        // Indexed loops: foreach over the IReadOnlyList would box its enumerator, twice per request.
        var refs = group.Refs;
        var total = 0;
        for (var i = 0; i < refs.Count; i++)
        {
            var candidate = refs[i];
            if (IsCandidate(candidate, healthyOnly))
            {
                total += candidate.Weight;
            }
        }

        if (total <= 0)
        {
            return null;
        }

        var ticket = Random.Shared.Next(total);
        for (var i = 0; i < refs.Count; i++)
        {
            var candidate = refs[i];
            if (IsCandidate(candidate, healthyOnly) && (ticket -= candidate.Weight) < 0)
            {
                return candidate;
            }
        }

        return null;
    }

    private bool IsCandidate(BackendRefModel candidate, bool healthyOnly) =>
        candidate.Weight > 0 && !_tried.Contains(candidate) && (!healthyOnly || health is null || !health.For(candidate.Backend.Name).IsEjected(now));

    private BackendRefModel? SoonestToRecover()
    {
        BackendRefModel? best = null;
        var bestUntil = DateTimeOffset.MaxValue;
        foreach (var group in rule.PriorityGroups)
        {
            foreach (var candidate in group.Refs)
            {
                if (!IsCandidate(candidate, healthyOnly: false))
                {
                    continue;
                }

                var until = health?.For(candidate.Backend.Name).EjectedUntil ?? DateTimeOffset.MinValue;
                if (until < bestUntil)
                {
                    best = candidate;
                    bestUntil = until;
                }
            }
        }

        return best;
    }
}
