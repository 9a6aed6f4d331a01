using System.Collections.Frozen;

namespace Sluice.ClientAuth;

/// <summary>A set of model names, or every model (<c>*</c>). Names compare exactly, as route matches do.</summary>
internal sealed class ModelSet
{
    public const string Wildcard = "*";

    public static readonly ModelSet None = new(false, FrozenSet<string>.Empty);

    public static readonly ModelSet Everything = new(true, FrozenSet<string>.Empty);

    private readonly FrozenSet<string> _models;

    private ModelSet(bool all, FrozenSet<string> models)
    {
        All = all;
        _models = models;
    }

    public bool All { get; }

    public bool Contains(string model) => All || _models.Contains(model);

    public static ModelSet From(IEnumerable<string> models)
    {
        var set = models.ToFrozenSet(StringComparer.Ordinal);
        return set.Contains(Wildcard) ? Everything : set.Count == 0 ? None : new ModelSet(false, set);
    }

    public static ModelSet Union(IReadOnlyList<ModelSet> sets)
    {
        if (sets.Any(static s => s.All))
        {
            return Everything;
        }

        return new ModelSet(false, sets.SelectMany(static s => s._models).ToFrozenSet(StringComparer.Ordinal));
    }
}
