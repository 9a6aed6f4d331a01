namespace Sluice.TestSupport;

internal static class TestPaths
{
    /// <summary>The repository root, found from the test binary's location.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared/reference/envoy-ai-gateway beside the checkout.</summary>
    public static string SharedReference { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "reference", "envoy-ai-gateway"));

    private static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Sluice.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Sluice.slnx not found above " + AppContext.BaseDirectory);
    }
}
