using System.Net;
using System.Text.Json;
using Sluice.Infrastructure;
using Sluice.RateLimiting;
using Sluice.Simulator;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>Token rate limits with in-process counters, end to end on real Kestrel against the simulator.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private SimulatorServer _simulator = null!;

    public async Task InitializeAsync() => _simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    /// <summary>Route "chat" (gpt-4o-mini) with input/output/total costs, and a BackendTrafficPolicy with these global rules.</summary>
    internal static string Yaml(int port, string rules, string policy = "limits") => $$"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: chat, namespace: default}
        spec:
          rules:
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: gpt-4o-mini}]}]
              backendRefs: [{name: openai}]
          llmRequestCosts:
            - {metadataKey: llm_input_token, type: InputToken}
            - {metadataKey: llm_output_token, type: OutputToken}
            - {metadataKey: llm_total_token, type: TotalToken}
        {{Configs.OpenAIBackend(port)}}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: BackendTrafficPolicy
        metadata: {name: {{policy}}, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
          rateLimit:
            type: Global
            global:
              rules:
        {{string.Join("\n", rules.Split('\n').Select(static l => "        " + l))}}
        """;

    /// <summary>Output tokens per day, charged from llm_output_token when the response ends (admission only checks).</summary>
    internal static string OutputTokenRule(long limit) => $$$"""
        - limit: {requests: {{{limit}}}, unit: Day}
          cost:
            request: {from: Number, number: 0}
            response: {from: Metadata, metadata: {namespace: io.envoy.ai_gateway, key: llm_output_token}}
        """;

    internal static HttpRequestMessage Chat(bool stream = false, int? completionTokens = null, int? maxTokens = null, params (string Name, string Value)[] headers)
    {
        var max = maxTokens is { } m ? $",\"max_tokens\":{m}" : string.Empty;
        var request = Post("/v1/chat/completions", $$"""{"model":"gpt-4o-mini","stream":{{(stream ? "true" : "false")}}{{max}},"messages":[{"role":"user","content":"Hi"}]}""");
        if (completionTokens is { } tokens)
        {
            request.Headers.Add("x-sim-completion-tokens", tokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return request;
    }

    [Fact]
    public async Task LimitReached_Is429InTheOpenAIEnvelope_WithRetryAfterAndRateLimitHeaders()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Yaml(_simulator.Port, "- limit: {requests: 2, unit: Day}"));

        using var first = await gateway.Client.SendAsync(Chat());
        using var second = await gateway.Client.SendAsync(Chat());
        using var third = await gateway.Client.SendAsync(Chat());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        var retryAfter = long.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 86_400);
        Assert.Equal("2, 2;w=86400", third.Headers.GetValues("x-ratelimit-limit").Single());
        Assert.Equal("0", third.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), third.Headers.GetValues("x-ratelimit-reset").Single());
        var error = await ReadError(third);
        Assert.Equal("rate_limit_exceeded", error.GetProperty("type").GetString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("2 of 2 per day", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        var lines = await gateway.WaitForAccessLogAsync(3);
        var refused = lines.Select(static l => JsonDocument.Parse(l).RootElement).Single(static l => l.GetProperty("status").GetInt32() == 429);
        Assert.Equal("RateLimited", refused.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Distinct_GivesEachUserTheirOwnBudget()
    {
        var rule = """
            - clientSelectors: [{headers: [{name: x-user-id, type: Distinct}]}]
              limit: {requests: 1, unit: Day}
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(Yaml(_simulator.Port, rule));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat(headers: ("x-user-id", "alice"))));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(gateway, Chat(headers: ("x-user-id", "alice"))));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat(headers: ("x-user-id", "bob"))));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(gateway, Chat(headers: ("x-user-id", "bob"))));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat())); // no x-user-id: the rule does not apply
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat()));
    }

    [Fact]
    public async Task ExactAndRegularExpressionSelectors_LimitOnlyMatchingRequests()
    {
        var rules = """
            - clientSelectors: [{headers: [{name: x-tier, type: Exact, value: free}]}]
              limit: {requests: 1, unit: Day}
            - clientSelectors: [{headers: [{name: x-org, type: RegularExpression, value: "acme-.*"}, {name: x-ai-eg-model, value: gpt-4o-mini}]}]
              limit: {requests: 1, unit: Day}
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(Yaml(_simulator.Port, rules));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat(headers: ("x-tier", "free"))));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(gateway, Chat(headers: ("x-tier", "free"))));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat(headers: ("x-tier", "gold"))));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat(headers: ("x-tier", "gold"))));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat(headers: ("x-org", "acme-labs"))));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(gateway, Chat(headers: ("x-org", "acme-research")))); // one bucket for every match
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat(headers: ("x-org", "not-acme"))));
    }

    [Fact]
    public async Task ResponseCostFromMetadata_IsChargedWhenAStreamEnds()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Yaml(_simulator.Port, OutputTokenRule(30)));

        for (var i = 1; i <= 2; i++)
        {
            using var response = await gateway.Client.SendAsync(Chat(stream: true, completionTokens: 20));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.EndsWith("data: [DONE]\n\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var line = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(i))[i - 1]).RootElement;
            Assert.Equal(20, line.GetProperty("costs").GetProperty("llm_output_token").GetInt64());
            Assert.Equal(line.GetProperty("gen_ai.usage.total_tokens").GetInt64(), line.GetProperty("costs").GetProperty("llm_total_token").GetInt64());
        }

        using var refused = await gateway.Client.SendAsync(Chat(stream: true, completionTokens: 20));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("40 of 30 per day", (await ReadError(refused)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CelCost_IsLoggedAndCharged_AndOneThatFailsIsNullAndNotCharged()
    {
        var rule = """
            - limit: {requests: 250, unit: Day}
              cost:
                request: {from: Number, number: 0}
                response: {from: Metadata, metadata: {namespace: io.envoy.ai_gateway, key: weighted}}
            """;
        var yaml = Yaml(_simulator.Port, rule).Replace(
            "    - {metadataKey: llm_total_token, type: TotalToken}",
            """
                - {metadataKey: llm_total_token, type: TotalToken}
                - {metadataKey: weighted, type: CEL, cel: "backend == 'openai.default' && model == 'gpt-4o-mini' ? output_tokens * 10u : 1000000u"}
                - {metadataKey: per_reasoning, type: CEL, cel: "input_tokens / reasoning_tokens"}
            """,
            StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        for (var i = 1; i <= 3; i++)
        {
            using var response = await gateway.Client.SendAsync(Chat(stream: i % 2 == 0, completionTokens: 10));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
            var costs = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(i))[i - 1]).RootElement.GetProperty("costs");
            Assert.Equal(100, costs.GetProperty("weighted").GetInt64());
            Assert.Equal(JsonValueKind.Null, costs.GetProperty("per_reasoning").ValueKind); // the simulator reports no reasoning tokens
        }

        using var refused = await gateway.Client.SendAsync(Chat(completionTokens: 10));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("300 of 250 per day", (await ReadError(refused)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientDisconnectingMidStream_IsStillCharged()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Yaml(_simulator.Port, OutputTokenRule(1)));
        using (var request = Chat(stream: true, completionTokens: 200, headers: ("x-sim-tokens-per-second", "10")))
        using (var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line && !line.Contains("\"content\":\"", StringComparison.Ordinal) | line.Contains("\"content\":\"\"", StringComparison.Ordinal))
            {
            }
        } // the client goes away after its first words

        var logged = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal("ClientAborted", logged.GetProperty("outcome").GetString());
        Assert.True(logged.GetProperty("costs").GetProperty("llm_output_token").GetInt64() >= 1);
        using var refused = await gateway.Client.SendAsync(Chat());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Fact]
    public async Task Reservation_BoundsTheOvershootOfAConcurrentBurst()
    {
        // 35 output tokens a day; each request may produce 10 (max_tokens) and does. With reservations the 4th
        // request sees 30 reserved (< 35) and is the last one in: at most one reservation over the limit.
        await using var gateway = await GatewayUnderTest.StartAsync(Yaml(_simulator.Port, OutputTokenRule(35)), rateLimit: new RateLimitOptions { Reservation = true });

        var (admitted, outputTokens, limited) = await BurstAsync([gateway], requests: 12);

        Assert.Equal(4, admitted);
        Assert.Equal(8, limited);
        Assert.InRange(outputTokens, 1, 35 - 1 + 10);
    }

    [Fact]
    public async Task TokenRateLimitExample_LimitsEachTenantsInputTokens()
    {
        var yaml = File.ReadAllText(Path.Combine(Sluice.TestSupport.TestPaths.RepoRoot, "examples", "token-ratelimit.yaml")).Replace("port: 8080", $"port: {_simulator.Port}", StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);
        HttpRequestMessage Funky(string tenant)
        {
            var request = Post("/v1/chat/completions", """{"model":"rate-limit-funky-model","messages":[{"role":"user","content":"Hi"}]}""");
            request.Headers.Add("x-tenant-id", tenant);
            return request;
        }

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5 && (statuses.Count == 0 || statuses[^1] == HttpStatusCode.OK); i++)
        {
            statuses.Add(await StatusAsync(gateway, Funky("tenant-a")));
            await gateway.WaitForAccessLogAsync(statuses.Count(static s => s == HttpStatusCode.OK));
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]); // 10 input tokens an hour: a few requests
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Funky("tenant-b")));
        var line = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        var usage = (Input: line.GetProperty("gen_ai.usage.input_tokens").GetInt64(), Output: line.GetProperty("gen_ai.usage.output_tokens").GetInt64());
        Assert.Equal(usage.Input + (usage.Output * 4), line.GetProperty("costs").GetProperty("llm_weighted_token").GetInt64()); // the example's CEL cost
    }

    internal static async Task<HttpStatusCode> StatusAsync(GatewayUnderTest gateway, HttpRequestMessage request)
    {
        using (request)
        using (var response = await gateway.Client.SendAsync(request))
        {
            return response.StatusCode;
        }
    }

    /// <summary>Sends <paramref name="requests"/> concurrent non-streamed chats (10 output tokens each, slowly) spread over the gateways.</summary>
    internal static async Task<(int Admitted, long OutputTokens, int Limited)> BurstAsync(IReadOnlyList<GatewayUnderTest> gateways, int requests, int? maxTokens = 10)
    {
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, requests).Select(async i =>
        {
            await start.WaitAsync();
            using var request = Chat(completionTokens: 10, maxTokens: maxTokens, headers: ("x-sim-tokens-per-second", "40"));
            using var response = await gateways[i % gateways.Count].Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, body);
        }).ToList();
        start.Release(requests);
        var results = await Task.WhenAll(tasks);

        var admitted = 0;
        var limited = 0;
        long output = 0;
        foreach (var (status, body) in results)
        {
            if (status == HttpStatusCode.OK)
            {
                admitted++;
                output += JsonDocument.Parse(body).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt64();
            }
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, status);
                limited++;
            }
        }

        return (admitted, output, limited);
    }
}
