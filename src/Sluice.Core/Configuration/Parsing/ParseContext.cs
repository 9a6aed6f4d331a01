namespace Sluice.Configuration.Parsing;

/// <summary>What parsers need from outside the YAML: the environment, file paths relative to the config file, and
/// the list of extra files (referenced by annotations) that hot reload must watch.</summary>
internal sealed class ParseContext(string? configFilePath, Func<string, string?> getEnvironment, List<string> watchedFiles)
{
    public Func<string, string?> GetEnvironment { get; } = getEnvironment;

    public List<string> WatchedFiles { get; } = watchedFiles;

    public string ResolvePath(string path)
    {
        if (path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]);
        }

        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var baseDirectory = configFilePath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(configFilePath)!;
        return Path.GetFullPath(Path.Combine(baseDirectory, path));
    }
}
