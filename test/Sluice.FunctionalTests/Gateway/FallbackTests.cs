using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;
using Sluice.Simulator;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>
/// Provider fallback, retries, timeouts and passive health, driven by the simulator's fault injection (each
/// backend's headerMutation sets the fault headers) and by recording upstreams that count what reached them.
/// </summary>
public sealed class FallbackTests : IAsyncLifetime
{
    private const string Chat = """{"model":"m","messages":[{"role":"user","content":"Hi"}]}""";
    private const string StreamingChat = """{"model":"m","stream":true,"messages":[{"role":"user","content":"Hi"}]}""";

    private SimulatorServer _simulator = null!;

    public async Task InitializeAsync() => _simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task ConnectFailure_FallsBackToTheNextPriority()
    {
        await using var fallback = await TestUpstream.JsonAsync();
        var yaml = Config([Backend("primary", ClosedPort(), priority: 0), Backend("fallback", fallback.Port, priority: 1)], Retry("[connect-failure]"));
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(fallback.Requests);
    }

    [Fact]
    public async Task RetriableStatus_FailsOverOnce_AndTheClientGetsOneAnswer()
    {
        await using var fallback = await TestUpstream.JsonAsync("""{"from":"fallback"}""");
        var yaml = Config([Backend("primary", _simulator.Port, priority: 0, faults: "{name: x-sim-status, value: '500'}"), Backend("fallback", fallback.Port, priority: 1)], Retry("[retriable-status-codes]", "[500]"));
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"from":"fallback"}""", await response.Content.ReadAsStringAsync());
        Assert.Single(fallback.Requests);
    }

    [Fact]
    public async Task BurstAgainstAFailingPrimary_EveryRequestIsAnsweredOnce()
    {
        await using var fallback = await TestUpstream.JsonAsync("""{"from":"fallback"}""");
        var yaml = Config([Backend("primary", _simulator.Port, priority: 0, faults: "{name: x-sim-status, value: '500'}"), Backend("fallback", fallback.Port, priority: 1)], Retry("[5xx]"));
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.Equal((200, """{"from":"fallback"}"""), r));
        Assert.Equal(50, fallback.Requests.Count);
    }

    [Fact]
    public async Task WithoutARetryPolicy_TheErrorPassesThrough()
    {
        await using var fallback = await TestUpstream.JsonAsync();
        var yaml = Config([Backend("primary", _simulator.Port, priority: 0, faults: "{name: x-sim-status, value: '500'}"), Backend("fallback", fallback.Port, priority: 1)]);
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(fallback.Requests);
    }

    [Fact]
    public async Task ResetBeforeTheFirstByte_IsRetriedOnAnotherBackend()
    {
        await using var fallback = await TestUpstream.JsonAsync();
        var yaml = Config([Backend("primary", _simulator.Port, priority: 0, faults: "{name: x-sim-break-after, value: '0'}"), Backend("fallback", fallback.Port, priority: 1)], Retry("[reset]"));
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(fallback.Requests);
    }

    [Fact]
    public async Task ResetAfterTheFirstByte_IsNeverRetried_TheStreamEndsWithAnErrorEvent()
    {
        await using var fallback = await TestUpstream.JsonAsync();
        var yaml = Config([Backend("primary", _simulator.Port, priority: 0, faults: "{name: x-sim-break-after, value: '3'}"), Backend("fallback", fallback.Port, priority: 1)], Retry("[reset, connect-failure, 5xx]"));
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", StreamingChat), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"role\":\"assistant\"", body, StringComparison.Ordinal);
        Assert.EndsWith("\"code\":\"upstream_interrupted\"}}\n\n", body, StringComparison.Ordinal);
        Assert.Empty(fallback.Requests);
    }

    [Fact]
    public async Task SlowFirstByte_PastThePerRetryTimeout_FailsOver()
    {
        await using var fallback = await TestUpstream.JsonAsync();
        var yaml = Config([Backend("primary", _simulator.Port, priority: 0, faults: "{name: x-sim-delay-ms, value: '5000'}"), Backend("fallback", fallback.Port, priority: 1)], Retry("[5xx]", perRetryTimeout: "300ms"));
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        var started = DateTime.UtcNow;
        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Single(fallback.Requests);
    }

    [Fact]
    public async Task StallBeforeTheFirstEvent_FailsOver_StallMidStream_EndsWithAnErrorEvent()
    {
        await using var fallback = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"from\":\"fallback\"}\n\ndata: [DONE]\n\n");
        });
        // Headers at once, then silence: accepted by no one until the first event arrives.
        await using var silent = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.StartAsync();
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted).ContinueWith(static _ => { });
        });
        var idle = "streamIdleTimeout: 400ms";
        var beforeFirst = Config([Backend("primary", silent.Port, priority: 0), Backend("fallback", fallback.Port, priority: 1)], Retry("[reset]"), ruleExtra: idle);
        await using (var gateway = await GatewayUnderTest.StartAsync(beforeFirst))
        {
            using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", StreamingChat));
            Assert.Contains("\"from\":\"fallback\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var midStream = Config([Backend("primary", _simulator.Port, priority: 0, faults: "{name: x-sim-stall-after, value: '2'}"), Backend("fallback", fallback.Port, priority: 1)], Retry("[reset]"), ruleExtra: idle);
        await using (var gateway = await GatewayUnderTest.StartAsync(midStream))
        {
            using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", StreamingChat), HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains("rule streamIdleTimeout", body, StringComparison.Ordinal);
            Assert.Single(fallback.Requests); // only the first gateway's request
        }
    }

    [Fact]
    public async Task RateLimited429WithRetryAfter_TakesTheBackendOutOfRotationUntilThen()
    {
        await using var primary = await TestUpstream.StartAsync(async context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers["Retry-After"] = "30";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}""");
        });
        await using var secondary = await TestUpstream.JsonAsync();
        var yaml = Config([Backend("primary", primary.Port, priority: 0), Backend("secondary", secondary.Port, priority: 1)]);
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        using (var first = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode); // no retry policy: the 429 passes through
            Assert.Equal("30", first.Headers.GetValues("Retry-After").Single());
        }

        for (var i = 0; i < 5; i++)
        {
            using var next = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        Assert.Single(primary.Requests);
        Assert.Equal(5, secondary.Requests.Count);
    }

    [Fact]
    public async Task ConsecutiveFailures_EjectABackend_WhileOthersAtItsPriorityServe()
    {
        await using var healthy = await TestUpstream.JsonAsync();
        var health = "healthCheck: {passive: {consecutive5XxErrors: 2, baseEjectionTime: 30s}}";
        var yaml = Config([Backend("failing", _simulator.Port, priority: 0, faults: "{name: x-sim-status, value: '503'}"), Backend("healthy", healthy.Port, priority: 0)], health);
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        var failures = 0;
        for (var i = 0; i < 40 && failures < 2; i++)
        {
            using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));
            failures += response.StatusCode == HttpStatusCode.ServiceUnavailable ? 1 : 0;
        }

        Assert.Equal(2, failures);
        var before = healthy.Requests.Count;
        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before + 20, healthy.Requests.Count);
    }

    [Fact]
    public async Task EveryBackendEjected_TheRequestStillTriesTheBestOne()
    {
        await using var only = await TestUpstream.JsonAsync("""{"error":{"message":"down"}}""", status: 503);
        var yaml = Config([Backend("only", only.Port, priority: 0)], "healthCheck: {passive: {consecutive5XxErrors: 1}}");
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        for (var i = 0; i < 3; i++)
        {
            using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Equal(3, only.Requests.Count);
    }

    [Fact]
    public async Task FallbackToAnotherSchema_ReTranslatesAndReAuthenticates()
    {
        await using var openai = await TestUpstream.JsonAsync("""{"error":{"message":"overloaded"}}""", status: 503);
        await using var azure = await TestUpstream.JsonAsync();
        var azureBackend = Backend("azure", azure.Port, priority: 1).Replace("schema: {name: OpenAI}", "schema: {name: AzureOpenAI, version: 2025-01-01-preview}", StringComparison.Ordinal)
            + Configs.ApiKey("sk-openai") + Configs.ApiKey("azure-key", backend: "azure", type: "AzureAPIKey");
        var yaml = Config([Backend("openai", openai.Port, priority: 0), azureBackend], Retry("[gateway-error]"));
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1/chat/completions", openai.LastRequest.PathAndQuery);
        Assert.Equal("Bearer sk-openai", openai.LastRequest.Header("Authorization"));
        Assert.Equal("/openai/deployments/m/chat/completions?api-version=2025-01-01-preview", azure.LastRequest.PathAndQuery);
        Assert.Equal("azure-key", azure.LastRequest.Header("api-key"));
        Assert.Null(azure.LastRequest.Header("Authorization"));
    }

    private static string Retry(string triggers, string? statusCodes = null, string? perRetryTimeout = null)
    {
        var text = new StringBuilder($"retry:\n  numRetries: 3\n  retryOn:\n    triggers: {triggers}\n");
        if (statusCodes is not null)
        {
            text.Append($"    httpStatusCodes: {statusCodes}\n");
        }

        text.Append("  perRetry:\n    backOff: {baseInterval: 10ms, maxInterval: 50ms}\n");
        if (perRetryTimeout is not null)
        {
            text.Append($"    timeout: {perRetryTimeout}\n");
        }

        return text.ToString();
    }

    /// <summary>An AIServiceBackend + Backend pair; the ref line for the rule is derived from the name.</summary>
    private static string Backend(string name, int port, int priority, string? faults = null) => $$"""
        # ref: {name: {{name}}, priority: {{priority}}}
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: {{name}}, namespace: default}
        spec:
          schema: {name: OpenAI}
          backendRef: {name: {{name}}, kind: Backend, group: gateway.envoyproxy.io}
          {{(faults is null ? string.Empty : $"headerMutation: {{set: [{faults}]}}")}}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {name: {{name}}, namespace: default}
        spec:
          endpoints: [{ip: {address: 127.0.0.1, port: {{port}} } }]
        """;

    private static string Config(IReadOnlyList<string> backends, string? trafficPolicy = null, string? ruleExtra = null)
    {
        var refs = string.Join("\n", backends.Select(static b => "        - " + b[(b.IndexOf("{name", StringComparison.Ordinal))..b.IndexOf('\n', StringComparison.Ordinal)]));
        var yaml = new StringBuilder($$"""
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: fallback, namespace: default}
            spec:
              rules:
                - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: m}]}]
                  {{ruleExtra ?? string.Empty}}
                  backendRefs:
            {{refs}}
            """);
        foreach (var backend in backends)
        {
            yaml.Append("\n---\n").Append(backend);
        }

        if (trafficPolicy is not null)
        {
            var indented = string.Join("\n", trafficPolicy.TrimEnd().Split('\n').Select(static l => "  " + l));
            yaml.Append($"\n---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\nmetadata: {{name: fallback, namespace: default}}\nspec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: HTTPRoute, name: fallback}}]\n{indented}\n");
        }

        return yaml.ToString();
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
