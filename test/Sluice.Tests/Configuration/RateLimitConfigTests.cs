using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;
using Sluice.Model;
using Sluice.TestSupport;

namespace Sluice.Configuration;

/// <summary>llmRequestCosts, globalLLMRequestCosts and BackendTrafficPolicy rateLimit: every field and every error.</summary>
public sealed class RateLimitConfigTests : IDisposable
{
    private readonly ConfigFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    /// <summary>A route "chat" with five token costs, its backend, and a BackendTrafficPolicy whose spec.rateLimit is <paramref name="rateLimit"/>.</summary>
    internal static string Config(string rateLimit, string costs = DefaultCosts, string target = "{kind: HTTPRoute, name: chat}", string extra = "") => $"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {"{"}name: chat, namespace: default{"}"}
        spec:
          rules:
            - matches: [{"{"}headers: [{"{"}type: Exact, name: x-ai-eg-model, value: gpt-4o-mini{"}"}]{"}"}]
              backendRefs: [{"{"}name: gpt{"}"}]
          llmRequestCosts:
        {Indent(costs, 4)}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {"{"}name: gpt, namespace: default{"}"}
        spec:
          schema: {"{"}name: OpenAI{"}"}
          backendRef: {"{"}name: upstream, kind: Backend, group: gateway.envoyproxy.io{"}"}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {"{"}name: upstream, namespace: default{"}"}
        spec:
          endpoints: [{"{"}ip: {"{"}address: 127.0.0.1, port: 8080{"}"}{"}"}]
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: BackendTrafficPolicy
        metadata: {"{"}name: limits, namespace: default{"}"}
        spec:
          targetRefs: [{target}]
          rateLimit:
        {Indent(rateLimit, 4)}
        {extra}
        """;

    private const string DefaultCosts = """
        - {metadataKey: in, type: InputToken}
        - {metadataKey: cached, type: CachedInputToken}
        - {metadataKey: created, type: CacheCreationInputToken}
        - {metadataKey: out, type: OutputToken}
        - {metadataKey: reasoning, type: ReasoningToken}
        - {metadataKey: total, type: TotalToken}
        """;

    private const string FullRateLimit = """
        type: Global
        global:
          rules:
            - clientSelectors:
                - headers:
                    - {name: x-user-id, type: Distinct}
                    - {name: x-ai-eg-model, type: Exact, value: gpt-4o-mini}
                - headers:
                    - {name: x-tier, type: RegularExpression, value: "gold|silver", invert: true}
              limit: {requests: 1000, unit: Hour}
              cost:
                request: {from: Number, number: 0}
                response: {from: Metadata, metadata: {namespace: io.envoy.ai_gateway, key: total}}
              shared: true
              shadowMode: true
            - limit: {requests: 5, unit: Month}
        local:
          rules:
            - limit: {requests: 7, unit: Second}
              cost: {request: {from: Number, number: 2}}
        """;

    [Fact]
    public void FullRateLimit_CompilesEveryField()
    {
        var (snapshot, diagnostics) = _fixture.Load(Config(FullRateLimit));

        ConfigFixture.AssertNoErrors(diagnostics);
        var rule = snapshot!.Routes.Match("gpt-4o-mini", new Microsoft.AspNetCore.Http.HeaderDictionary(), null)!;
        Assert.Equal(["in", "cached", "created", "out", "reasoning", "total"], rule.Costs.Keys);
        var rules = rule.RateLimit!.Rules;
        Assert.Equal(3, rules.Length);

        var tokens = rules[0];
        Assert.Equal(RateLimitScope.Global, tokens.Scope);
        Assert.Equal(1000, tokens.Limit);
        Assert.Equal(RateLimitUnit.Hour, tokens.Unit);
        Assert.Equal(0, tokens.RequestCost);
        Assert.Equal(5, tokens.ResponseCostIndex);
        Assert.True(tokens.ShadowMode);
        Assert.Equal("default/limits/global/0", tokens.BucketPrefix); // shared: no route in the bucket
        Assert.Equal(3, tokens.Headers.Length);
        Assert.Equal(1, tokens.DistinctCount);
        Assert.True(tokens.Headers[1].IsModelHeader);
        Assert.True(tokens.Headers[2].Invert);
        Assert.True(tokens.Headers[2].Matches("bronze"));
        Assert.False(tokens.Headers[2].Matches("gold"));

        var requests = rules[1];
        Assert.Equal(1, requests.RequestCost); // Envoy's default without cost
        Assert.False(requests.HasResponseCost);
        Assert.Equal(RateLimitUnit.Month, requests.Unit);
        Assert.Equal("default/limits/global/1@default/chat", requests.BucketPrefix);

        var local = rules[2];
        Assert.Equal(RateLimitScope.Local, local.Scope);
        Assert.Equal(2, local.RequestCost);
        Assert.Equal("default/limits/local/0@default/chat", local.BucketPrefix);
    }

    [Fact]
    public void GatewayTarget_AndNumberResponseCost_Compile()
    {
        var rateLimit = """
            type: Global
            global:
              rules:
                - limit: {requests: 10, unit: Minute}
                  cost: {response: {from: Number, number: 3}}
            """;
        var (snapshot, diagnostics) = _fixture.Load(Config(rateLimit, target: "{kind: Gateway, name: gw}"));

        ConfigFixture.AssertNoErrors(diagnostics);
        var rule = snapshot!.Routes.Match("gpt-4o-mini", new Microsoft.AspNetCore.Http.HeaderDictionary(), null)!.RateLimit!.Rules[0];
        Assert.Equal(3, rule.ResponseCostNumber);
        Assert.Equal(-1, rule.ResponseCostIndex);
    }

    [Fact]
    public void GlobalCosts_ApplyToRoutes_AndTheRoutesOwnKeyWins()
    {
        var gatewayConfig = GlobalCosts("- {metadataKey: billed, type: TotalToken}", "- {metadataKey: out}");
        var rateLimit = """
            global:
              rules:
                - limit: {requests: 10, unit: Day}
                  cost: {response: {from: Metadata, metadata: {namespace: io.envoy.ai_gateway, key: billed}}}
            """;
        var (snapshot, diagnostics) = _fixture.Load(Config(rateLimit, costs: "- {metadataKey: out, type: InputToken}", extra: gatewayConfig));

        ConfigFixture.AssertNoErrors(diagnostics);
        var costs = snapshot!.Routes.Match("gpt-4o-mini", new Microsoft.AspNetCore.Http.HeaderDictionary(), null)!.Costs;
        Assert.Equal(["out", "billed"], costs.Keys);
        Assert.Equal(LlmCostType.InputToken, costs.TypeAt(0)); // the route's own "out" wins over the global OutputToken
        Assert.Equal(LlmCostType.TotalToken, costs.TypeAt(1));
    }

    [Fact]
    public void Costs_AreComputedFromUsage()
    {
        var costs = new RequestCostsModel(["i", "c", "cc", "o", "r", "t"], [LlmCostType.InputToken, LlmCostType.CachedInputToken, LlmCostType.CacheCreationInputToken, LlmCostType.OutputToken, LlmCostType.ReasoningToken, LlmCostType.TotalToken]);

        Assert.Equal([10, 4, 2, 7, 3, 17], costs.Compute(new Usage.TokenUsage(10, 4, 2, 7, 3, 17), "gpt-4o-mini", "gpt.default", out var failure));
        Assert.Null(failure);
        Assert.Empty(RequestCostsModel.None.Compute(new Usage.TokenUsage(1, 0, 0, 1, 0, 2), "gpt-4o-mini", "gpt.default", out _));
    }

    public static TheoryData<string, string> RateLimitErrors() => new()
    {
        { "type: Fast\nglobal: {rules: [{limit: {requests: 1, unit: Hour}}]}", "routes.yaml:35: BackendTrafficPolicy default/limits: spec.rateLimit.type: 'Fast' must be Global or Local" },
        { "type: Global\nlocal: {rules: [{limit: {requests: 1, unit: Hour}}]}", "spec.rateLimit.global: is required when type is Global" },
        { "type: Local\nglobal: {rules: [{limit: {requests: 1, unit: Hour}}]}", "spec.rateLimit.local: is required when type is Local" },
        { "type: Global\nglobal: {rules: []}", "spec.rateLimit.global.rules: at least one rule is required" },
        { "global: {rules: [{cost: {request: {from: Number, number: 1}}}]}", "spec.rateLimit.global.rules[0].limit: is required" },
        { "global: {rules: [{limit: {unit: Hour}}]}", "spec.rateLimit.global.rules[0].limit.requests: is required" },
        { "global: {rules: [{limit: {requests: -1, unit: Hour}}]}", "spec.rateLimit.global.rules[0].limit.requests: must be between 0" },
        { "global: {rules: [{limit: {requests: 1, unit: Week}}]}", "spec.rateLimit.global.rules[0].limit.unit: 'Week' must be Second, Minute, Hour, Day, Month or Year" },
        { "global: {rules: [{limit: {requests: 1}}]}", "spec.rateLimit.global.rules[0].limit.unit: is required" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour, fromMetadata: {namespace: a, key: b}}}]}", "limit.fromMetadata: limits from request metadata are not supported yet" },
        { "global: {rules: [{clientSelectors: [{methods: [{value: GET}], headers: [{name: a, value: b}]}], limit: {requests: 1, unit: Hour}}]}", "clientSelectors[0].methods: client selectors on methods are not supported yet" },
        { "global: {rules: [{clientSelectors: [{path: {value: /}, headers: [{name: a, value: b}]}], limit: {requests: 1, unit: Hour}}]}", "clientSelectors[0].path: client selectors on path are not supported yet" },
        { "global: {rules: [{clientSelectors: [{sourceCIDR: {value: 10.0.0.0/8}, headers: [{name: a, value: b}]}], limit: {requests: 1, unit: Hour}}]}", "clientSelectors[0].sourceCIDR: client selectors on sourceCIDR are not supported yet" },
        { "global: {rules: [{clientSelectors: [{}], limit: {requests: 1, unit: Hour}}]}", "clientSelectors[0]: at least one header condition is required" },
        { "global: {rules: [{clientSelectors: [{headers: [{name: a, type: Prefix, value: b}]}], limit: {requests: 1, unit: Hour}}]}", "headers[0].type: 'Prefix' must be Exact, RegularExpression or Distinct" },
        { "global: {rules: [{clientSelectors: [{headers: [{type: Exact, value: b}]}], limit: {requests: 1, unit: Hour}}]}", "headers[0].name: is required" },
        { "global: {rules: [{clientSelectors: [{headers: [{name: a}]}], limit: {requests: 1, unit: Hour}}]}", "headers[0].value: is required when type is Exact" },
        { "global: {rules: [{clientSelectors: [{headers: [{name: a, type: RegularExpression}]}], limit: {requests: 1, unit: Hour}}]}", "headers[0].value: is required when type is RegularExpression" },
        { "global: {rules: [{clientSelectors: [{headers: [{name: a, type: Distinct, value: b}]}], limit: {requests: 1, unit: Hour}}]}", "headers[0].value: must not be set when type is Distinct" },
        { "global: {rules: [{clientSelectors: [{headers: [{name: a, type: Distinct, invert: true}]}], limit: {requests: 1, unit: Hour}}]}", "headers[0].invert: must not be set when type is Distinct" },
        { "global: {rules: [{clientSelectors: [{headers: [{name: a, value: b, invert: maybe}]}], limit: {requests: 1, unit: Hour}}]}", "headers[0].invert: must be true or false" },
        { "global: {rules: [{clientSelectors: [{headers: [{name: a, type: RegularExpression, value: '(unclosed'}]}], limit: {requests: 1, unit: Hour}}]}", "headers[0].value: '(unclosed' is not a valid regular expression" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {request: {from: Header}}}]}", "cost.request.from: 'Header' must be Number or Metadata" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {request: {number: 1}}}]}", "cost.request.from: is required" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {request: {from: Number}}}]}", "cost.request.number: is required when from is Number" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {request: {from: Number, number: -2}}}]}", "cost.request.number: must be between 0" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {request: {from: Number, number: 1, metadata: {namespace: io.envoy.ai_gateway, key: in}}}}]}", "cost.request.metadata: only one of number or metadata can be specified" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {response: {from: Metadata}}}]}", "cost.response.metadata: is required when from is Metadata" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {response: {from: Metadata, number: 1, metadata: {namespace: io.envoy.ai_gateway, key: in}}}}]}", "cost.response.number: only one of number or metadata can be specified" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {response: {from: Metadata, metadata: {namespace: envoy.filters.http.ext_authz, key: in}}}}]}", "cost.response.metadata.namespace: 'envoy.filters.http.ext_authz': Sluice only has the llmRequestCosts metadata namespace io.envoy.ai_gateway" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {response: {from: Metadata, metadata: {namespace: io.envoy.ai_gateway}}}}]}", "cost.response.metadata.key: is required" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {request: {from: Metadata, metadata: {namespace: io.envoy.ai_gateway, key: in}}}}]}", "cost.request: llmRequestCosts are only known when the response ends" },
        { "local: {rules: [{limit: {requests: 1, unit: Hour}, cost: {response: {from: Number, number: 1}}}]}", "spec.rateLimit.local.rules[0].cost.response: response cost is not supported for Local rate limits" },
        { "local: {rules: [{limit: {requests: 1, unit: Hour}, shadowMode: true}]}", "spec.rateLimit.local.rules[0].shadowMode: shadow mode is only supported for Global rate limits" },
        { "global: {rules: [{limit: {requests: 1, unit: Hour}, shared: yes}]}", "spec.rateLimit.global.rules[0].shared: must be true or false" },
        { "{}", "spec.rateLimit: needs a global or a local section with rules" },
    };

    [Theory]
    [MemberData(nameof(RateLimitErrors))]
    public void InvalidRateLimit_IsAnErrorNamingTheField(string rateLimit, string expected)
    {
        var (snapshot, diagnostics) = _fixture.Load(Config(rateLimit));

        Assert.Null(snapshot);
        ConfigFixture.AssertHasError(diagnostics, expected);
    }

    [Fact]
    public void MetadataKey_NotACostOfTheTargetedRoute_IsAnErrorWithFileLineResourceAndField()
    {
        var rateLimit = """
            global:
              rules:
                - limit: {requests: 1, unit: Hour}
                  cost:
                    response:
                      from: Metadata
                      metadata: {namespace: io.envoy.ai_gateway, key: llm_total_token}
            """;
        var (snapshot, diagnostics) = _fixture.Load(Config(rateLimit));

        Assert.Null(snapshot);
        ConfigFixture.AssertHasError(diagnostics, "routes.yaml:41: BackendTrafficPolicy default/limits: spec.rateLimit.global.rules[0].cost.response.metadata.key: 'llm_total_token' is not an llmRequestCosts metadataKey of AIGatewayRoute default/chat or of the GatewayConfig's globalLLMRequestCosts (it has in, cached, created, out, reasoning, total)");
    }

    public static TheoryData<string, string> CostErrors() => new()
    {
        { "- {metadataKey: smart, type: CEL, cel: 'input_tokens >'}", "routes.yaml:9: AIGatewayRoute default/chat: spec.llmRequestCosts[0].cel: metadataKey 'smart': the CEL expression does not parse: Line 1:14 mismatched input '<EOF>'" },
        { "- {metadataKey: smart, type: CEL}", "routes.yaml:9: AIGatewayRoute default/chat: spec.llmRequestCosts[0].cel: metadataKey 'smart': type CEL needs a cel expression" },
        { "- {metadataKey: smart, type: CEL, cel: ''}", "spec.llmRequestCosts[0].cel: metadataKey 'smart': type CEL needs a cel expression" },
        { "- {metadataKey: smart, type: CEL, cel: 'input_tokens + output_token'}", "routes.yaml:9: AIGatewayRoute default/chat: spec.llmRequestCosts[0].cel: metadataKey 'smart': the CEL expression fails: Undeclared reference to 'output_token' in container ''. (the variables are model, backend, route_name, input_tokens" },
        { "- {metadataKey: smart, type: CEL, cel: 'input_tokens + output_tokens * 0.5'}", "metadataKey 'smart': the CEL expression fails: No overload exists to MULTIPLY uint64 and type 'System.Double'. (the token variables are uints: write output_tokens * 6u, or uint(double(cached_input_tokens) * 0.1) for a fraction)" },
        { "- {metadataKey: smart, type: CEL, cel: 'double(total_tokens) * 1.5'}", "metadataKey 'smart': the CEL expression fails: it returned a double 7.5; a cost must be an int or a uint (wrap a double in uint(...))" },
        { "- {metadataKey: smart, type: CEL, cel: \"model == 'gpt-4o-mini' ? output_tokens * 0.5 : total_tokens\"}", "the CEL expression fails (model 'gpt-4o-mini', backend 'gpt.default'): No overload exists to MULTIPLY" },
        { "- {metadataKey: smart, type: CEL, cel: \"backend == 'gpt.default' ? 'x' : total_tokens\"}", "the CEL expression fails: it returned a string 'x'" },
        { "- {metadataKey: x, type: Tokens}", "spec.llmRequestCosts[0].type: 'Tokens' must be one of InputToken, CachedInputToken, CacheCreationInputToken, OutputToken, ReasoningToken, TotalToken or CEL" },
        { "- {metadataKey: x}", "spec.llmRequestCosts[0].type: is required" },
        { "- {type: InputToken}", "spec.llmRequestCosts[0].metadataKey: is required" },
        { "- {metadataKey: x, type: InputToken}\n- {metadataKey: x, type: OutputToken}", "spec.llmRequestCosts[1].metadataKey: metadataKey 'x' is defined twice" },
        { "- {metadataKey: x, type: InputToken, cel: input_tokens}", "spec.llmRequestCosts[0].cel: metadataKey 'x': cel is only read when type is CEL" },
    };

    [Theory]
    [MemberData(nameof(CostErrors))]
    public void InvalidCosts_AreErrorsNamingTheRouteAndKey(string costs, string expected)
    {
        var (snapshot, diagnostics) = _fixture.Load(Config("global: {rules: [{limit: {requests: 1, unit: Hour}}]}", costs: costs));

        Assert.Null(snapshot);
        ConfigFixture.AssertHasError(diagnostics, expected);
    }

    [Fact]
    public void CelCosts_CompileWithTheRoutesTokenCosts_AndTheirValueDependentFailuresWaitForRequests()
    {
        var costs = """
            - {metadataKey: in, type: InputToken}
            - {metadataKey: weighted, type: CEL, cel: "(input_tokens - cached_input_tokens) + cached_input_tokens / 10u + output_tokens * 6u"}
            - {metadataKey: ratio, type: CEL, cel: "input_tokens / reasoning_tokens"}
            """;
        var (snapshot, diagnostics) = _fixture.Load(Config("global: {rules: [{limit: {requests: 1, unit: Hour}, cost: {response: {from: Metadata, metadata: {namespace: io.envoy.ai_gateway, key: weighted}}}}]}", costs: costs));

        ConfigFixture.AssertNoErrors(diagnostics);
        var rule = snapshot!.Routes.Match("gpt-4o-mini", new Microsoft.AspNetCore.Http.HeaderDictionary(), null)!;
        Assert.Equal([LlmCostType.InputToken, LlmCostType.Cel, LlmCostType.Cel], [rule.Costs.TypeAt(0), rule.Costs.TypeAt(1), rule.Costs.TypeAt(2)]);
        Assert.Equal(1, rule.RateLimit!.Rules[0].ResponseCostIndex);

        var values = rule.Costs.Compute(new Usage.TokenUsage(100, 40, 0, 30, 0, 130), "gpt-4o-mini", "gpt.default", out var failure);

        Assert.Equal([100, 60 + 4 + 180, RequestCostsModel.Failed], values);
        Assert.Equal("metadataKey 'ratio': Cannot divide value by zero.", failure);
    }

    [Fact]
    public void GlobalCelCost_AppliesToEveryRoute_AndReadsTheRouteAndBackendItServes()
    {
        var yaml = Yaml.Minimal() + GlobalCosts("""- {metadataKey: billed, type: CEL, cel: "route_name + '|' + backend == 'default/chat|gpt.default' ? input_tokens + output_tokens : 0u"}""");

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertNoErrors(diagnostics);
        var costs = snapshot!.Routes.Match("gpt-4o-mini", new Microsoft.AspNetCore.Http.HeaderDictionary(), null)!.Costs;
        Assert.Equal(["billed"], costs.Keys);
        Assert.Equal([5], costs.Compute(new Usage.TokenUsage(2, 0, 0, 3, 0, 5), "gpt-4o-mini", "gpt.default", out _));
        Assert.Equal([0], costs.Compute(new Usage.TokenUsage(2, 0, 0, 3, 0, 5), "gpt-4o-mini", "other.default", out _));
    }

    [Fact]
    public void BrokenGlobalCelCost_IsOneErrorNamingTheGatewayConfigAndKey_HoweverManyRoutesUseIt()
    {
        var yaml = Yaml.Minimal() + """

            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: second, namespace: default}
            spec:
              rules:
                - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: other}]}]
                  backendRefs: [{name: gpt}]
            """ + GlobalCosts("""- {metadataKey: billed, type: CEL, cel: "input_tokens + outptu_tokens"}""");

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.Null(snapshot);
        var errors = diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static e => e.ToString()).ToList();
        var error = Assert.Single(errors, static e => e.Contains("billed", StringComparison.Ordinal));
        Assert.Contains("GatewayConfig default/costs: spec.globalLLMRequestCosts[0].cel: metadataKey 'billed' of AIGatewayRoute default/", error, StringComparison.Ordinal);
        Assert.Contains("Undeclared reference to 'outptu_tokens'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameBrokenCelCostInTwoRoutes_IsAnErrorAtEach()
    {
        var second = Config("global: {rules: [{limit: {requests: 1, unit: Hour}}]}", costs: "- {metadataKey: smart, type: CEL, cel: 'input_tokens + outptu_tokens'}\n- {metadataKey: odd, type: CEL, cel: 'input_tokens >'}")
            .Replace("name: chat,", "name: other,", StringComparison.Ordinal)
            .Replace("value: gpt-4o-mini", "value: other-model", StringComparison.Ordinal)
            .Replace("name: limits,", "name: other-limits,", StringComparison.Ordinal)
            .Replace("name: gpt,", "name: gpt2,", StringComparison.Ordinal)
            .Replace("name: upstream,", "name: upstream2,", StringComparison.Ordinal);
        var first = Config("global: {rules: [{limit: {requests: 1, unit: Hour}}]}", costs: "- {metadataKey: smart, type: CEL, cel: 'input_tokens + outptu_tokens'}\n- {metadataKey: odd, type: CEL, cel: 'input_tokens >'}");

        var (snapshot, diagnostics) = _fixture.Load(first + "\n---\n" + second);

        Assert.Null(snapshot);
        var errors = diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static e => e.ToString()).ToList();
        Assert.Equal(2, errors.Count(static e => e.Contains("Undeclared reference to 'outptu_tokens'", StringComparison.Ordinal)));
        Assert.Equal(2, errors.Count(static e => e.Contains("does not parse", StringComparison.Ordinal)));
        Assert.Contains(errors, static e => e.Contains("AIGatewayRoute default/chat: spec.llmRequestCosts[0].cel: metadataKey 'smart': the CEL expression fails", StringComparison.Ordinal));
        Assert.Contains(errors, static e => e.Contains("AIGatewayRoute default/other: spec.llmRequestCosts[0].cel: metadataKey 'smart': the CEL expression fails", StringComparison.Ordinal));
    }

    /// <summary>A Gateway naming GatewayConfig "costs", whose globalLLMRequestCosts are <paramref name="entries"/> (one YAML line each).</summary>
    private static string GlobalCosts(params string[] entries) => $$"""

        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
          namespace: default
          annotations: {aigateway.envoyproxy.io/gateway-config: costs}
        spec: {listeners: [{name: http, protocol: HTTP, port: 1975}]}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: GatewayConfig
        metadata: {name: costs, namespace: default}
        spec:
          globalLLMRequestCosts:
            {{string.Join("\n    ", entries)}}
        """;

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join("\n", text.Split('\n').Select(line => pad + line));
    }
}
