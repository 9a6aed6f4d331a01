namespace Sluice.Configuration.Loading;

/// <summary>One place config comes from: a file or directory path, or text given directly (stdin, built-in defaults).</summary>
internal sealed record ConfigSource(string DisplayName, string? Path, string? Text)
{
    public static ConfigSource FromPath(string path) => new(path, path, null);

    public static ConfigSource FromText(string displayName, string text) => new(displayName, null, text);
}
