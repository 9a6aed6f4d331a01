using Sluice.TestSupport;

namespace Sluice.Configuration;

/// <summary>Every Envoy AI Gateway example either loads, or fails saying what is not supported yet.</summary>
public sealed class ReferenceExamplesTests : IDisposable
{
    private static readonly string ExamplesRoot = Path.Combine(TestPaths.SharedReference, "examples");

    private readonly ConfigFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    /// <summary>Examples whose every resource is in scope for the core gateway (comma-separated files load together).</summary>
    [Theory]
    [InlineData("basic/basic.yaml")]
    [InlineData("basic/openai.yaml")]
    [InlineData("aigw/ollama.yaml")]
    [InlineData("access-log/basic.yaml")]
    [InlineData("basic/openai.yaml,basic/anthropic-openai-local.yaml")]
    [InlineData("basic/tars.yaml")]
    [InlineData("gateway-config/comprehensive.yaml")]
    [InlineData("basic/aws.yaml")]
    [InlineData("basic/aws-bedrock-openai-anthropic.yaml")]
    [InlineData("basic/aws-irsa.yaml")]
    [InlineData("basic/aws-pod-identity.yaml")]
    [InlineData("provider_fallback/base.yaml,provider_fallback/fallback.yaml")]
    [InlineData("token_ratelimit/token_ratelimit.yaml")]
    public void InScopeExample_Loads(string examples)
    {
        var paths = examples.Split(',').Select(static e => Path.Combine(ExamplesRoot, e)).ToList();
        var (snapshot, diagnostics) = _fixture.LoadPaths(paths, new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-test" });

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.NotNull(snapshot);
    }

    [Theory]
    [InlineData("basic/gcp_vertex.yaml", "not supported yet")]
    [InlineData("basic/anthropic.yaml", "not supported yet")]
    [InlineData("basic/cohere.yaml", "not supported yet")]
    [InlineData("mcp/mcp_example.yaml", "MCPRoute (aigateway.envoyproxy.io) is not supported yet")]
    [InlineData("inference-pool/aigwroute.yaml", "not supported yet")]
    [InlineData("inference-pool/httproute.yaml", "not supported yet")]
    public void OutOfScopeExample_FailsWithNotSupportedYet(string examples, string expected)
    {
        var paths = examples.Split(',').Select(static e => Path.Combine(ExamplesRoot, e)).ToList();
        var (snapshot, diagnostics) = _fixture.LoadPaths(paths, new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-test" });

        Assert.Null(snapshot);
        ConfigFixture.AssertHasError(diagnostics, expected);
    }

    [Fact]
    public void TokenRateLimitExample_AsShipped_ComputesItsCelCost()
    {
        var (snapshot, diagnostics) = _fixture.LoadPaths([Path.Combine(ExamplesRoot, "token_ratelimit/token_ratelimit.yaml")]);

        ConfigFixture.AssertNoErrors(diagnostics);
        var rule = snapshot!.Routes.Match("rate-limit-funky-model", new Microsoft.AspNetCore.Http.HeaderDictionary(), null)!;
        Assert.Equal(5, rule.RateLimit!.Rules.Length);
        var cel = rule.Costs.IndexOf("llm_cel_calculated_token");
        Assert.Equal(Model.LlmCostType.Cel, rule.Costs.TypeAt(cel));
        Assert.Equal(100000000, rule.Costs.Compute(new Usage.TokenUsage(3, 0, 0, 5, 0, 8), "rate-limit-funky-model", "x.default", out _)[cel]);
        Assert.Equal(0, rule.Costs.Compute(new Usage.TokenUsage(4, 0, 0, 5, 0, 9), "rate-limit-funky-model", "x.default", out _)[cel]);
    }

    [Fact]
    public void AzureExample_AsShipped_NamesThePlaceholderTenant()
    {
        var (snapshot, diagnostics) = _fixture.LoadPaths([Path.Combine(ExamplesRoot, "basic/azure_openai.yaml")]);

        Assert.Null(snapshot);
        ConfigFixture.AssertHasError(diagnostics, "BackendSecurityPolicy default/envoy-ai-gateway-basic-azure-credentials: spec.azureCredentials.tenantID: 'AZURE_TENANT_ID' is not a tenant ID");
    }

    [Fact]
    public void AzureExample_WithItsPlaceholdersFilledIn_Loads()
    {
        var yaml = File.ReadAllText(Path.Combine(ExamplesRoot, "basic/azure_openai.yaml"))
            .Replace("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47", StringComparison.Ordinal)
            .Replace("AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000001", StringComparison.Ordinal);

        var (snapshot, diagnostics) = _fixture.Load(yaml, "azure_openai.yaml");

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.NotNull(snapshot);
    }

    [Fact]
    public void SeedGuideRoute_V1Alpha1WithSchemaAndTargetRefs_IsAccepted()
    {
        var seedRoute = """
            apiVersion: aigateway.envoyproxy.io/v1alpha1
            kind: AIGatewayRoute
            metadata:
              name: envoy-ai-gateway-basic
              namespace: default
            spec:
              schema:
                name: OpenAI
              targetRefs:
                - name: envoy-ai-gateway-basic
                  kind: Gateway
                  group: gateway.networking.k8s.io
              rules:
                - matches:
                    - headers:
                        - type: Exact
                          name: x-ai-eg-model
                          value: gpt-4.5-preview
                  backendRefs:
                    - name: gpt
            """;
        var rest = string.Join("\n---\n", Yaml.Minimal().Split("\n---\n").Skip(1));

        var (snapshot, diagnostics) = _fixture.Load(seedRoute + "\n---\n" + rest);

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.Equal(["gpt-4.5-preview"], snapshot!.ModelIds);
    }
}
