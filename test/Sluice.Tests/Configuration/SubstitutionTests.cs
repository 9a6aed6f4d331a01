using Sluice.Auth;
using Sluice.Configuration.Validation;
using Sluice.TestSupport;

namespace Sluice.Configuration;

public sealed class SubstitutionTests : IDisposable
{
    private const string KeyedBackend = """

        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: BackendSecurityPolicy
        metadata: {name: key}
        spec:
          targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: gpt}]
          type: APIKey
          apiKey: {secretRef: {name: openai}}
        """;

    private readonly ConfigFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task EnvVariable_InText_IsSubstituted()
    {
        var yaml = Yaml.Minimal() + KeyedBackend + "\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: openai}\nstringData:\n  apiKey: ${TEST_KEY}\n";

        var (snapshot, diagnostics) = _fixture.Load(yaml, env: new Dictionary<string, string> { ["TEST_KEY"] = "sk-from-env" });

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.Equal("Bearer sk-from-env", await AuthorizationOf(snapshot!));
    }

    [Fact]
    public void EnvVariable_Unset_WarnsWithLine()
    {
        var yaml = Yaml.Minimal() + KeyedBackend + "\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: openai}\nstringData:\n  apiKey: ${NOT_SET_ANYWHERE}\n";

        var (_, diagnostics) = _fixture.Load(yaml);

        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.ToString().Contains("NOT_SET_ANYWHERE is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecretEnvAnnotation_FillsTheKey()
    {
        var yaml = Yaml.Minimal() + KeyedBackend + """

            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: openai
              annotations:
                substitution.aigw.run/env/apiKey: MY_OPENAI_KEY
            """;

        var (snapshot, diagnostics) = _fixture.Load(yaml, env: new Dictionary<string, string> { ["MY_OPENAI_KEY"] = "sk-annotated" });

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.Equal("Bearer sk-annotated", await AuthorizationOf(snapshot!));
    }

    [Fact]
    public async Task SecretFileAnnotation_ReadsTheFileRelativeToTheConfig_AndWatchesIt()
    {
        var keyFile = _fixture.Write("openai.key", "sk-from-file\n");
        var yaml = Yaml.Minimal() + KeyedBackend + """

            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: openai
              annotations:
                substitution.aigw.run/file/apiKey: openai.key
            """;

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.Equal("Bearer sk-from-file", await AuthorizationOf(snapshot!));
        Assert.Contains(keyFile, snapshot!.WatchedFiles);
    }

    [Fact]
    public void SecretData_Base64_IsDecoded_AndErrorsNeverShowTheValue()
    {
        var yaml = Yaml.Minimal() + KeyedBackend + "\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: openai}\ndata:\n  apiKey: not!base64-sk-secret\n";

        var (_, diagnostics) = _fixture.Load(yaml);

        var error = Assert.Single(ConfigFixture.Errors(diagnostics), e => e.Contains("data.apiKey", StringComparison.Ordinal));
        Assert.DoesNotContain("sk-secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSecret_IsAnErrorNamingIt()
    {
        var (_, diagnostics) = _fixture.Load(Yaml.Minimal() + KeyedBackend);

        ConfigFixture.AssertHasError(diagnostics, "Secret \"openai\" not found");
    }

    private static async Task<string?> AuthorizationOf(Model.GatewaySnapshot snapshot)
    {
        using var request = new HttpRequestMessage();
        var auth = snapshot.Backends.Single().Auth!;
        var result = await auth.ApplyAsync(request, CancellationToken.None);
        Assert.True(result.Succeeded);
        Assert.IsType<ApiKeyAuthHandler>(auth);
        return request.Headers.Authorization?.ToString();
    }
}
