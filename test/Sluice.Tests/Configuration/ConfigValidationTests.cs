using Sluice.Configuration.Validation;
using Sluice.TestSupport;

namespace Sluice.Configuration;

public sealed class ConfigValidationTests : IDisposable
{
    private readonly ConfigFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Load_MinimalConfig_CompilesOneRoute()
    {
        var (snapshot, diagnostics) = _fixture.Load(Yaml.Minimal());

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.NotNull(snapshot);
        Assert.Equal(["gpt-4o-mini"], snapshot.ModelIds);
        Assert.Null(snapshot.ListenerPort);
    }

    [Fact]
    public void Load_MissingBackend_ReportsFileLineResourceAndField()
    {
        var yaml = Yaml.Minimal().Replace("- name: gpt", "- name: gtp", StringComparison.Ordinal);

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.Null(snapshot);
        var error = Assert.Single(ConfigFixture.Errors(diagnostics));
        Assert.EndsWith("routes.yaml:14: AIGatewayRoute default/chat: spec.rules[0].backendRefs[0].name: AIServiceBackend \"gtp\" not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralErrors_ReportsEveryOne()
    {
        var yaml = Yaml.Minimal()
            .Replace("- name: gpt", "- name: missing", StringComparison.Ordinal)
            .Replace("name: OpenAI", "name: AzureOpenAI", StringComparison.Ordinal)
            .Replace("port: 8080", "port: 99999", StringComparison.Ordinal);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "AIServiceBackend \"missing\" not found");
        ConfigFixture.AssertHasError(diagnostics, "AIServiceBackend default/gpt: spec.schema.version: is required for schema AzureOpenAI");
        ConfigFixture.AssertHasError(diagnostics, "spec.endpoints[0].ip.port: must be between 1 and 65535");
    }

    [Fact]
    public void Load_InvalidYaml_ReportsLine()
    {
        var (snapshot, diagnostics) = _fixture.Load("kind: AIGatewayRoute\nspec:\n  rules: [\n", "broken.yaml");

        Assert.Null(snapshot);
        Assert.Contains(ConfigFixture.Errors(diagnostics), e => e.StartsWith("broken.yaml:", StringComparison.Ordinal) || e.Contains("/broken.yaml:", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnknownAIGatewayKind_IsAnError()
    {
        var yaml = Yaml.Minimal() + "\n---\napiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIRoute\nmetadata: {name: x}\nspec: {}\n";

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "unknown kind 'AIRoute'");
    }

    [Theory]
    [InlineData("gateway.envoyproxy.io/v1alpha1", "EnvoyExtensionPolicy")]
    [InlineData("aigateway.envoyproxy.io/v1alpha1", "MCPRoute")]
    [InlineData("gateway.networking.k8s.io/v1", "HTTPRoute")]
    public void Load_KnownButUnsupportedKind_SaysNotSupportedYet(string apiVersion, string kind)
    {
        var yaml = Yaml.Minimal() + $"\n---\napiVersion: {apiVersion}\nkind: {kind}\nmetadata: {{name: x}}\nspec: {{}}\n";

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.Null(snapshot);
        ConfigFixture.AssertHasError(diagnostics, $"{kind} default/x: {kind} ({apiVersion.Split('/')[0]}) is not supported yet");
    }

    [Fact]
    public void Load_KubernetesPlumbing_IsSkippedWithOneInfoLine()
    {
        var yaml = Yaml.Minimal() + "\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {replicas: 1}\n";

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.NotNull(snapshot);
        var info = Assert.Single(diagnostics, d => d.Severity == DiagnosticSeverity.Info);
        Assert.Contains("Deployment default/app", info.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnsupportedSecurityPolicyType_SaysNotSupportedYet()
    {
        var yaml = Yaml.Minimal() + """

            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: BackendSecurityPolicy
            metadata: {name: aws}
            spec:
              targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: gpt}]
              type: GCPCredentials
              gcpCredentials: {projectName: p, region: us-central1}
            """;

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "BackendSecurityPolicy default/aws: spec.type: type GCPCredentials is not supported yet");
    }

    [Fact]
    public void Load_UnknownField_WarnsThatItIsIgnored()
    {
        var yaml = Yaml.Minimal().Replace("    - matches:", "    - sessionAffinity: true\n      matches:", StringComparison.Ordinal);

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.NotNull(snapshot);
        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.ToString().Contains("spec.rules[0].sessionAffinity: is not supported by Sluice yet and is ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_InvalidRegex_ReportsThePattern()
    {
        var yaml = Yaml.Minimal().Replace("type: Exact", "type: RegularExpression", StringComparison.Ordinal).Replace("value: gpt-4o-mini", "value: \"gpt-(4\"", StringComparison.Ordinal);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "'gpt-(4' is not a valid regular expression");
    }

    [Fact]
    public void Load_BodyMutationValueNotJson_IsAnError()
    {
        var yaml = Yaml.Minimal().Replace("- name: gpt", "- name: gpt\n          bodyMutation:\n            set: [{path: temperature, value: warm}]", StringComparison.Ordinal);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "must be JSON text");
    }

    [Fact]
    public void Load_GatewayListenerAndBufferLimit_AreApplied()
    {
        var yaml = Yaml.Minimal() + """

            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: x
              listeners: [{name: http, protocol: HTTP, port: 8888}]
            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: ClientTrafficPolicy
            metadata: {name: buffer}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
              connection: {bufferLimit: 2Mi}
            """;

        var (snapshot, _) = _fixture.Load(yaml);

        Assert.NotNull(snapshot);
        Assert.Equal(8888, snapshot.ListenerPort);
        Assert.Equal(2 * 1024 * 1024, snapshot.MaxRequestBodyBytes);
    }

    [Fact]
    public void Load_Directory_ReadsEveryYamlFileAndSplitsResourcesAcrossThem()
    {
        var parts = Yaml.Minimal().Split("\n---\n");
        _fixture.Write("a-route.yaml", parts[0]);
        _fixture.Write("b-backend.yml", parts[1] + "\n---\n" + parts[2]);

        var (snapshot, diagnostics) = _fixture.LoadPaths([_fixture.Directory]);

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.NotNull(snapshot);
    }

    [Fact]
    public void Load_DuplicateResource_IsAnError()
    {
        var route = Yaml.Minimal().Split("\n---\n")[0];

        var (_, diagnostics) = _fixture.Load(Yaml.Minimal() + "\n---\n" + route);

        ConfigFixture.AssertHasError(diagnostics, "duplicate AIGatewayRoute default/chat");
    }
}
