namespace Sluice.Configuration.Resources;

/// <summary>Every resource read from one load, in the order they were written.</summary>
internal sealed record ConfigSet(IReadOnlyList<ResourceConfig> Resources, IReadOnlyList<string> WatchedFiles)
{
    public IEnumerable<T> OfType<T>()
        where T : ResourceConfig => Resources.OfType<T>();
}
