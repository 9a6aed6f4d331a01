using System.Text;
using Sluice.Configuration.Resources;
using Sluice.Model;

namespace Sluice.Management;

/// <summary>Merges backend-level and route-level mutations once per load; on a conflict the route-level one wins.</summary>
internal static class MutationMerger
{
    public static HeaderMutationModel Headers(HeaderMutationConfig? backend, HeaderMutationConfig? route)
    {
        if (backend is null && route is null)
        {
            return HeaderMutationModel.Empty;
        }

        var set = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var remove = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var layer in new[] { backend, route })
        {
            if (layer is null)
            {
                continue;
            }

            foreach (var name in layer.Remove)
            {
                remove.Add(name);
                set.Remove(name);
            }

            foreach (var header in layer.Set)
            {
                set[header.Name] = header.Value;
                remove.Remove(header.Name);
            }
        }

        return new HeaderMutationModel([.. set], [.. remove]);
    }

    public static BodyMutationModel Body(BodyMutationConfig? backend, BodyMutationConfig? route)
    {
        if (backend is null && route is null)
        {
            return BodyMutationModel.Empty;
        }

        var set = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var remove = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in new[] { backend, route })
        {
            if (layer is null)
            {
                continue;
            }

            foreach (var name in layer.Remove)
            {
                remove.Add(name);
                set.Remove(name);
            }

            foreach (var field in layer.Set)
            {
                set[field.Path] = Encoding.UTF8.GetBytes(field.ValueJson);
                remove.Remove(field.Path);
            }
        }

        return new BodyMutationModel([.. set], [.. remove]);
    }
}
