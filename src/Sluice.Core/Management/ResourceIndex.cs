using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;

namespace Sluice.Management;

/// <summary>Looks resources up by kind, namespace and name; reports duplicates once.</summary>
internal sealed class ResourceIndex
{
    private readonly Dictionary<(string Kind, string Namespace, string Name), ResourceConfig> _byKey = [];

    public ResourceIndex(ConfigSet set, DiagnosticBag diagnostics)
    {
        foreach (var resource in set.Resources)
        {
            var key = (resource.Meta.Kind, resource.Meta.Namespace, resource.Meta.Name);
            if (!_byKey.TryAdd(key, resource))
            {
                var first = _byKey[key].Meta.Location;
                diagnostics.Error(resource.Meta.Location, $"duplicate {resource.Meta.Kind} {resource.Meta.Namespace}/{resource.Meta.Name} (first defined at {first.File}:{first.Line})");
            }
        }
    }

    public T? Find<T>(string kind, string ns, string name)
        where T : ResourceConfig => _byKey.TryGetValue((kind, ns, name), out var r) ? r as T : null;
}
