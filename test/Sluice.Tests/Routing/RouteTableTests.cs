using Microsoft.AspNetCore.Http;
using Sluice.Model;
using Sluice.TestSupport;

namespace Sluice.Routing;

public sealed class RouteTableTests : IDisposable
{
    private const string Backends = """

        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: a}
        spec: {schema: {name: OpenAI}, backendRef: {name: up, kind: Backend, group: gateway.envoyproxy.io}}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: b}
        spec: {schema: {name: OpenAI}, backendRef: {name: up, kind: Backend, group: gateway.envoyproxy.io}}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: c}
        spec: {schema: {name: OpenAI}, backendRef: {name: up, kind: Backend, group: gateway.envoyproxy.io}}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {name: up}
        spec: {endpoints: [{ip: {address: 127.0.0.1, port: 9}}]}
        """;

    private readonly ConfigFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Match_ExactBeatsEarlierCatchAllRegex()
    {
        var table = Load("""
            - matches: [{headers: [{type: RegularExpression, name: x-ai-eg-model, value: ".*"}]}]
              backendRefs: [{name: a}]
            - matches: [{headers: [{name: x-ai-eg-model, value: gpt-4o}]}]
              backendRefs: [{name: b}]
            """);

        Assert.Equal("default/b", BackendOf(table.Match("gpt-4o", new HeaderDictionary(), null)));
        Assert.Equal("default/a", BackendOf(table.Match("anything-else", new HeaderDictionary(), null)));
    }

    [Fact]
    public void Match_MoreHeaderConditionsWin()
    {
        var table = Load("""
            - matches: [{headers: [{name: x-ai-eg-model, value: gpt-4o}]}]
              backendRefs: [{name: a}]
            - matches: [{headers: [{name: x-ai-eg-model, value: gpt-4o}, {name: x-tenant, value: blue}]}]
              backendRefs: [{name: b}]
            """);

        Assert.Equal("default/b", BackendOf(table.Match("gpt-4o", new HeaderDictionary { ["x-tenant"] = "blue" }, null)));
        Assert.Equal("default/a", BackendOf(table.Match("gpt-4o", new HeaderDictionary { ["x-tenant"] = "red" }, null)));
    }

    [Fact]
    public void Match_RegexMustMatchWholeValue()
    {
        var table = Load("""
            - matches: [{headers: [{type: RegularExpression, name: x-ai-eg-model, value: "gpt-4.*"}]}]
              backendRefs: [{name: a}]
            """);

        Assert.NotNull(table.Match("gpt-4o-mini", new HeaderDictionary(), null));
        Assert.Null(table.Match("my-gpt-4o", new HeaderDictionary(), null));
    }

    [Fact]
    public void Match_UnknownModel_ReturnsNull()
    {
        var table = Load("""
            - matches: [{headers: [{name: x-ai-eg-model, value: gpt-4o}]}]
              backendRefs: [{name: a}]
            """);

        Assert.Null(table.Match("gpt-5", new HeaderDictionary(), null));
    }

    [Fact]
    public void Match_FirstWrittenWinsAmongEqualExactMatches()
    {
        var table = Load("""
            - matches: [{headers: [{name: x-ai-eg-model, value: gpt-4o}]}]
              backendRefs: [{name: a}]
            - matches: [{headers: [{name: x-ai-eg-model, value: gpt-4o}]}]
              backendRefs: [{name: b}]
            """);

        Assert.Equal("default/a", BackendOf(table.Match("gpt-4o", new HeaderDictionary(), null)));
    }

    [Fact]
    public void Match_ManyModels_AllResolve()
    {
        var rules = string.Concat(Enumerable.Range(0, 2000).Select(i => $"- matches: [{{headers: [{{name: x-ai-eg-model, value: model-{i}}}]}}]\n  backendRefs: [{{name: {(i % 2 == 0 ? "a" : "b")}}}]\n"));
        var table = Load(rules);

        Assert.Equal(2000, table.Count);
        Assert.Equal("default/a", BackendOf(table.Match("model-1998", new HeaderDictionary(), null)));
        Assert.Equal("default/b", BackendOf(table.Match("model-1999", new HeaderDictionary(), null)));
    }

    [Fact]
    public void Select_LowestPriorityWithWeight_WeightZeroIsOff()
    {
        var table = Load("""
            - matches: [{headers: [{name: x-ai-eg-model, value: m}]}]
              backendRefs:
                - {name: a, priority: 0, weight: 0}
                - {name: b, priority: 1}
                - {name: c, priority: 2}
            """);

        var rule = table.Match("m", new HeaderDictionary(), null)!;

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("default/b", BackendSelector.Select(rule)!.Backend.Name);
        }
    }

    [Fact]
    public void Select_SplitsByWeight()
    {
        var table = Load("""
            - matches: [{headers: [{name: x-ai-eg-model, value: m}]}]
              backendRefs:
                - {name: a, weight: 1}
                - {name: b, weight: 3}
            """);
        var rule = table.Match("m", new HeaderDictionary(), null)!;

        var toB = Enumerable.Range(0, 4000).Count(_ => BackendSelector.Select(rule)!.Backend.Name == "default/b");

        Assert.InRange(toB, 2700, 3300);
    }

    [Fact]
    public void Match_RouteHostnames_RestrictTheRule()
    {
        var yaml = $$"""
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: r}
            spec:
              hostnames: ["*.example.com"]
              rules:
                - matches: [{headers: [{name: x-ai-eg-model, value: m}]}]
                  backendRefs: [{name: a}]
            {{Backends}}
            """;
        var (snapshot, diagnostics) = _fixture.Load(yaml);
        ConfigFixture.AssertNoErrors(diagnostics);

        Assert.NotNull(snapshot!.Routes.Match("m", new HeaderDictionary(), "api.example.com:1975"));
        Assert.Null(snapshot.Routes.Match("m", new HeaderDictionary(), "localhost:1975"));
    }

    private RouteTable Load(string rules)
    {
        var indented = string.Join("\n", rules.Split('\n').Select(static l => "    " + l));
        var yaml = $"apiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIGatewayRoute\nmetadata: {{name: r}}\nspec:\n  rules:\n{indented}{Backends}";
        var (snapshot, diagnostics) = _fixture.Load(yaml);
        ConfigFixture.AssertNoErrors(diagnostics);
        return snapshot!.Routes;
    }

    private static string? BackendOf(RouteRuleModel? rule) => rule is null ? null : BackendSelector.Select(rule)!.Backend.Name;
}
