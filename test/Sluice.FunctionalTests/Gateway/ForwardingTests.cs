using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;

namespace Sluice.Gateway;

public sealed class ForwardingTests
{
    private const string ChatBody = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi."}]}""";

    [Fact]
    public async Task Chat_ApiKeyBackend_AttachesKey_StripsClientCredential_ForwardsBodyUnchanged()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port) + Configs.ApiKey("sk-backend"));

        using var request = Post("/v1/chat/completions", ChatBody);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-token");
        request.Headers.TryAddWithoutValidation("api-key", "client-azure-key");
        request.Headers.TryAddWithoutValidation("x-ai-eg-model", "spoofed");
        request.Headers.TryAddWithoutValidation("x-custom", "kept");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = upstream.LastRequest;
        Assert.Equal("/v1/chat/completions", received.PathAndQuery);
        Assert.Equal("Bearer sk-backend", received.Header("Authorization"));
        Assert.Null(received.Header("api-key"));
        Assert.Null(received.Header("x-ai-eg-model"));
        Assert.Equal("kept", received.Header("x-custom"));
        Assert.Equal(ChatBody, received.BodyText);
    }

    [Fact]
    public async Task Chat_BackendWithoutPolicy_GetsNoCredentialFromSluice()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(upstream.LastRequest.Header("Authorization"));
    }

    [Fact]
    public async Task Chat_ClientModelHeader_DoesNotChangeRouting()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using var request = Post("/v1/chat/completions", """{"model":"other-model","messages":[]}""");
        request.Headers.TryAddWithoutValidation("x-ai-eg-model", "gpt-4o-mini");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Chat_ModelNameOverrideAndMutations_RouteLevelWins()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        var backendMutations = """
            headerMutation: {set: [{name: x-team, value: backend}, {name: x-backend-only, value: b}], remove: [x-drop-me]}
            bodyMutation: {set: [{path: temperature, value: "0.1"}, {path: user, value: "\"svc\""}]}
            """;
        var routeMutations = """
            modelNameOverride: gpt-4o-2024-08-06
            headerMutation: {set: [{name: x-team, value: route}]}
            bodyMutation: {set: [{path: temperature, value: "0.9"}], remove: [stream_options]}
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port, backendExtra: backendMutations, refExtra: routeMutations));

        using var request = Post("/v1/chat/completions", """{"model":"gpt-4o-mini","temperature":1,"stream_options":{"include_usage":true},"messages":[]}""");
        request.Headers.TryAddWithoutValidation("x-drop-me", "1");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = upstream.LastRequest;
        Assert.Equal("route", received.Header("x-team"));
        Assert.Equal("b", received.Header("x-backend-only"));
        Assert.Null(received.Header("x-drop-me"));
        Assert.Equal("""{"model":"gpt-4o-2024-08-06","temperature":0.9,"messages":[],"user":"svc"}""", received.BodyText);
    }

    [Theory]
    [InlineData("{not json", 400, "not valid JSON", null, "MalformedRequest")]
    [InlineData("""{"messages":[]}""", 400, "you must provide a model parameter", "model", "MalformedRequest")]
    [InlineData("""{"model":"unknown-model","messages":[]}""", 404, "unknown-model", "model", "ModelNotFound")]
    public async Task BadRequests_GetTheOpenAIEnvelope_AndAnAccessLogLine(string body, int status, string messagePart, string? param, string outcome)
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", body));

        var error = await ReadError(response);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(messagePart, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Empty(upstream.Requests);
        var log = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal((outcome, status), (log.GetProperty("outcome").GetString(), log.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task UnknownPath_Is404InTheEnvelope()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/nothing", ChatBody));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_url", (await ReadError(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413_AndNothingReachesUpstream()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        var limit = """

            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: ClientTrafficPolicy
            metadata: {name: buffer, namespace: default}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
              connection: {bufferLimit: 1Ki}
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port) + limit);
        var big = $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{new string('x', 4096)}}"}]}""";

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await ReadError(response)).GetProperty("code").GetString());
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task UpstreamRefused_Is502()
    {
        var closedPort = FreePort();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(closedPort));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = await ReadError(response);
        Assert.Contains("connection refused", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamSlowerThanRuleTimeout_Is504()
    {
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(static _ => { });
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port, ruleExtra: "timeouts: {request: 300ms}"));

        var started = DateTime.UtcNow;
        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", (await ReadError(response)).GetProperty("code").GetString());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task UpstreamHttpError_PassesThroughStatusBodyAndHeaders()
    {
        const string rateLimited = """{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers["Retry-After"] = "7";
            context.Response.Headers["x-ratelimit-remaining-requests"] = "0";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(rateLimited);
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal(rateLimited, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UpstreamNonJsonError_IsWrappedInTheEnvelope()
    {
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            context.Response.StatusCode = 503;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>upstream overloaded</html>");
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var error = await ReadError(response);
        Assert.Equal("<html>upstream overloaded</html>", error.GetProperty("message").GetString());
        Assert.Equal("OpenAIBackendError", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Models_ListsEveryExactModel()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        var extraRule = """
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: text-embedding-3-small}]}]
              backendRefs: [{name: openai}]
              modelsOwnedBy: acme
              modelsCreatedAt: "2025-01-01T00:00:00Z"
            - matches: [{headers: [{type: RegularExpression, name: x-ai-eg-model, value: "llama-.*"}]}]
              backendRefs: [{name: openai}]
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port, extraRule: extraRule));

        using var document = JsonDocument.Parse(await gateway.Client.GetStringAsync("/v1/models"));

        Assert.Equal("list", document.RootElement.GetProperty("object").GetString());
        var models = document.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["gpt-4o-mini", "text-embedding-3-small"], models.Select(static m => m.GetProperty("id").GetString()));
        Assert.Equal("acme", models[1].GetProperty("owned_by").GetString());
        Assert.Equal(1735689600, models[1].GetProperty("created").GetInt64());
        Assert.Equal("model", models[1].GetProperty("object").GetString());
    }

    [Fact]
    public async Task Streaming_EachEventReachesTheClientBeforeTheNextIsSent()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"n\":1}\n\n");
            await context.Response.Body.FlushAsync();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await context.Response.WriteAsync("data: {\"n\":2}\n\ndata: [DONE]\n\n");
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[]}"""), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("data: {\"n\":1}", first);
        release.SetResult();
        var rest = await reader.ReadToEndAsync();
        Assert.Equal("\ndata: {\"n\":2}\n\ndata: [DONE]\n\n", rest);
    }

    [Fact]
    public async Task Streaming_UpstreamResetMidStream_EndsWithAnSseErrorEvent()
    {
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"n\":1}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(100);
            context.Abort();
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[]}"""), HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("data: {\"n\":1}\n\n", text, StringComparison.Ordinal);
        Assert.Contains("data: {\"error\":{\"message\":\"backend default/openai closed the connection mid-response\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientDisconnect_CancelsTheUpstreamRequest()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"n\":1}\n\n");
            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                upstreamCancelled.SetResult();
            }
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using (var client = new HttpClient { BaseAddress = gateway.BaseAddress })
        {
            using var response = await client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[]}"""), HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal("data: {\"n\":1}", await reader.ReadLineAsync());
        }

        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    internal static HttpRequestMessage Post(string path, string json) =>
        new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    internal static async Task<JsonElement> ReadError(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").Clone();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
