namespace Sluice.Model;

/// <summary>Headers to set and remove on the upstream request: backend-level and route-level merged, route wins.</summary>
internal sealed class HeaderMutationModel
{
    public static readonly HeaderMutationModel Empty = new([], []);

    public HeaderMutationModel(IReadOnlyList<KeyValuePair<string, string>> set, IReadOnlyList<string> remove)
    {
        Set = set;
        Remove = remove;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Set { get; }

    public IReadOnlyList<string> Remove { get; }

    public bool IsEmpty => Set.Count == 0 && Remove.Count == 0;
}

/// <summary>Top-level JSON fields to set (UTF-8 JSON values) and remove: backend-level and route-level merged, route wins.</summary>
internal sealed class BodyMutationModel
{
    public static readonly BodyMutationModel Empty = new([], []);

    public BodyMutationModel(IReadOnlyList<KeyValuePair<string, byte[]>> set, IReadOnlyList<string> remove)
    {
        Set = set;
        Remove = remove;
    }

    public IReadOnlyList<KeyValuePair<string, byte[]>> Set { get; }

    public IReadOnlyList<string> Remove { get; }

    public bool IsEmpty => Set.Count == 0 && Remove.Count == 0;
}
