using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Loading;

/// <summary>Expands the paths given on the command line into YAML files and reads them.</summary>
internal static class ConfigFileReader
{
    public static IReadOnlyList<(string DisplayName, string? Path, string Text)> Read(IReadOnlyList<ConfigSource> sources, DiagnosticBag diagnostics)
    {
        var files = new List<(string, string?, string)>();
        foreach (var source in sources)
        {
            if (source.Text is not null)
            {
                files.Add((source.DisplayName, null, source.Text));
                continue;
            }

            var path = source.Path!;
            if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(static f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (found.Count == 0)
                {
                    diagnostics.Error(new ConfigLocation(path, 0, null, null), "directory contains no .yaml or .yml files");
                }

                foreach (var file in found)
                {
                    TryRead(file, files, diagnostics);
                }
            }
            else if (File.Exists(path))
            {
                TryRead(path, files, diagnostics);
            }
            else
            {
                diagnostics.Error(new ConfigLocation(path, 0, null, null), "no such file or directory");
            }
        }

        return files;
    }

    /// <summary>The files a watcher should look at: the given files, and every YAML file below given directories.</summary>
    public static IReadOnlyList<string> WatchRoots(IReadOnlyList<ConfigSource> sources) =>
        sources.Where(static s => s.Path is not null).Select(static s => Path.GetFullPath(s.Path!)).ToList();

    private static void TryRead(string file, List<(string, string?, string)> files, DiagnosticBag diagnostics)
    {
        try
        {
            files.Add((file, Path.GetFullPath(file), File.ReadAllText(file)));
        }
        catch (IOException ex)
        {
            diagnostics.Error(new ConfigLocation(file, 0, null, null), $"cannot read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            diagnostics.Error(new ConfigLocation(file, 0, null, null), $"cannot read: {ex.Message}");
        }
    }
}
