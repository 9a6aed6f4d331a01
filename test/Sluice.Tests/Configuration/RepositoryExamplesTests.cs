using Sluice.TestSupport;

namespace Sluice.Configuration;

/// <summary>The configs shipped in examples/ are valid as they stand.</summary>
public sealed class RepositoryExamplesTests : IDisposable
{
    private readonly ConfigFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "examples"), "*.yaml"))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_IsValid(string file)
    {
        var env = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-test",
            ["AZURE_TENANT_ID"] = "72f988bf-86f1-41af-91ab-2d7cd011db47",
            ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-000000000001",
            ["AZURE_CLIENT_SECRET"] = "secret",
            ["AZURE_OPENAI_RESOURCE"] = "myresource",
        };

        var (snapshot, diagnostics) = _fixture.LoadPaths([Path.Combine(TestPaths.RepoRoot, "examples", file)], env);

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.NotNull(snapshot);
    }
}
