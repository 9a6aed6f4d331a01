using System.Text.Json;
using Sluice.Infrastructure;
using Sluice.Simulator;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>Token usage from the provider's own numbers, streamed or not, in the access log and the metrics.</summary>
public sealed class UsageTests : IAsyncLifetime
{
    private SimulatorServer _simulator = null!;
    private GatewayUnderTest _gateway = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        _gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(_simulator.Port, extraRule: """
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: text-embedding-3-small}]}]
              backendRefs: [{name: openai}]
            """));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task StreamWithoutIncludeUsage_IsCountedExactly_AndTheClientNeverSeesTheUsageChunk()
    {
        using var response = await _gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Tell me a story"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("\"usage\":{", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        var contentChunks = body.Split("\n\n").Count(e => e.Contains("\"content\":\"", StringComparison.Ordinal) && !e.Contains("\"content\":\"\"", StringComparison.Ordinal));
        var line = await SingleLogLineAsync();
        Assert.Equal(contentChunks, line.GetProperty("gen_ai.usage.output_tokens").GetInt64());
        Assert.True(line.GetProperty("gen_ai.usage.input_tokens").GetInt64() > 0);
        Assert.True(line.GetProperty("time_to_first_token_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task StreamWithIncludeUsage_PassesTheUsageChunkThrough()
    {
        using var response = await _gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        var usageEvent = body.Split("\n\n").Single(e => e.Contains("\"choices\":[]", StringComparison.Ordinal));
        using var usage = JsonDocument.Parse(usageEvent["data: ".Length..]);
        var line = await SingleLogLineAsync();
        Assert.Equal(usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt64(), line.GetProperty("gen_ai.usage.output_tokens").GetInt64());
        Assert.Equal(usage.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt64(), line.GetProperty("gen_ai.usage.total_tokens").GetInt64());
    }

    [Fact]
    public async Task NonStreamedChatAndEmbeddings_AreCountedFromTheResponseUsage()
    {
        using var chat = await _gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"""));
        using var chatBody = JsonDocument.Parse(await chat.Content.ReadAsStringAsync());
        using var embeddings = await _gateway.Client.SendAsync(Post("/v1/embeddings", """{"model":"text-embedding-3-small","input":["one two three","four"]}"""));
        using var embeddingsBody = JsonDocument.Parse(await embeddings.Content.ReadAsStringAsync());

        var lines = (await _gateway.WaitForAccessLogAsync(2)).Select(static l => JsonDocument.Parse(l).RootElement).ToList();
        var usage = chatBody.RootElement.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), lines[0].GetProperty("gen_ai.usage.input_tokens").GetInt64());
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt64(), lines[0].GetProperty("gen_ai.usage.output_tokens").GetInt64());
        Assert.Equal("gpt-4o-mini", lines[0].GetProperty("gen_ai.response.model").GetString());
        Assert.Equal(embeddingsBody.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64(), lines[1].GetProperty("gen_ai.usage.input_tokens").GetInt64());
        Assert.Equal("embeddings", lines[1].GetProperty("gen_ai.operation.name").GetString());
    }

    [Fact]
    public async Task TokenMetrics_AreExportedWithEnvoyAIGatewaysNames()
    {
        using (await _gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hi"}]}""")))
        {
        }

        await SingleLogLineAsync();
        var metrics = await _gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("gen_ai_client_token_usage_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_token_type=\"input\"", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_token_type=\"output\"", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_server_time_to_first_token_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_server_time_per_output_token_seconds_bucket", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamCutByTheUpstream_IsEstimatedWithARealTokenizer_AndMarkedSo()
    {
        using var request = Post("/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello there, how are you?"}]}""");
        request.Headers.TryAddWithoutValidation("x-sim-break-after", "3");
        using var response = await _gateway.Client.SendAsync(request);
        await response.Content.ReadAsStringAsync();

        var line = await SingleLogLineAsync();
        Assert.True(line.GetProperty("gen_ai.usage.estimated").GetBoolean());
        Assert.Equal(3, line.GetProperty("gen_ai.usage.output_tokens").GetInt64()); // the simulator's words are one o200k token each
        Assert.InRange(line.GetProperty("gen_ai.usage.input_tokens").GetInt64(), 5, 12);
        Assert.Equal("StreamInterrupted", line.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task StreamCutByTheClient_StillRecordsWhatWasUsed()
    {
        using (var client = new HttpClient { BaseAddress = _gateway.BaseAddress })
        {
            using var request = Post("/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Tell me a long story"}]}""");
            request.Headers.TryAddWithoutValidation("x-sim-tokens-per-second", "50");
            request.Headers.TryAddWithoutValidation("x-sim-completion-tokens", "2000"); // 40 s: the disconnect is seen mid-stream
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            for (var events = 0; events < 4;)
            {
                var line = await reader.ReadLineAsync();
                events += line is { Length: > 0 } ? 1 : 0;
            }
        }

        for (var i = 0; i < 100 && _gateway.AccessLogLines.Count == 0; i++)
        {
            await Task.Delay(100);
        }

        var logged = await SingleLogLineAsync();
        Assert.True(logged.TryGetProperty("gen_ai.usage.estimated", out var estimated) && estimated.GetBoolean(), logged.ToString());
        Assert.InRange(logged.GetProperty("gen_ai.usage.output_tokens").GetInt64(), 3, 1000);
        Assert.Equal("ClientAborted", logged.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task AccessLog_NeverContainsBodiesOrCredentials()
    {
        using var request = Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"my secret prompt"}]}""");
        request.Headers.Authorization = new("Bearer", "client-secret-token");
        using (await _gateway.Client.SendAsync(request))
        {
        }

        var line = (await _gateway.WaitForAccessLogAsync(1)).Single();
        Assert.DoesNotContain("my secret prompt", line, StringComparison.Ordinal);
        Assert.DoesNotContain("client-secret-token", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MappedRequestHeaders_BecomeAccessLogFieldsAndMetricLabels()
    {
        var mapping = Telemetry.HeaderAttributeMapping.FromEnvironment(static name => name switch
        {
            "OTEL_AIGW_REQUEST_HEADER_ATTRIBUTES" => "x-tenant-id:tenant.id",
            _ => null,
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(_simulator.Port), headerAttributes: mapping);
        using var request = Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""");
        request.Headers.TryAddWithoutValidation("x-tenant-id", "blue-team");
        request.Headers.TryAddWithoutValidation("agent-session-id", "session-42");
        using (await gateway.Client.SendAsync(request))
        {
        }

        using var line = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1)).Single());
        Assert.Equal("blue-team", line.RootElement.GetProperty("tenant.id").GetString());
        Assert.Equal("session-42", line.RootElement.GetProperty("session.id").GetString());
        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("tenant_id=\"blue-team\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("session-42", metrics, StringComparison.Ordinal);
    }

    private async Task<JsonElement> SingleLogLineAsync()
    {
        var lines = await _gateway.WaitForAccessLogAsync(1);
        return JsonDocument.Parse(Assert.Single(lines)).RootElement;
    }
}
