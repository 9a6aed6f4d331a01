using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Infrastructure;
using static Sluice.Gateway.BedrockStreamingTests;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>Schema AWSAnthropic: OpenAI chat → the Anthropic Messages body on Bedrock InvokeModel, and back.</summary>
public sealed class BedrockAnthropicTests
{
    private const string Model = "anthropic.claude-3-5-sonnet-20241022-v2:0";

    [Fact]
    public async Task Chat_IsTheAnthropicMessagesBody_OnInvokeModel()
    {
        const string answer = """
            {"id":"msg_01","type":"message","role":"assistant","model":"claude-3-5-sonnet-20241022",
             "content":[{"type":"thinking","thinking":"Paris is the capital.","signature":"sig"},{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
             "stop_reason":"tool_use","usage":{"input_tokens":20,"output_tokens":9,"cache_read_input_tokens":100,"cache_creation_input_tokens":7}}
            """;
        await using var bedrock = await FakeBedrock.StartAsync((context, _) => FakeBedrock.JsonAsync(context, answer));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, model: Model, schema: "AWSAnthropic"));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", """
            {"model":"MODEL","temperature":0.5,"stop":"END","reasoning_effort":"low","tool_choice":"none",
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "messages":[{"role":"system","content":"Be brief."},
               {"role":"user","content":[{"type":"text","text":"Weather?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
               {"role":"assistant","tool_calls":[{"id":"toolu_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
               {"role":"tool","tool_call_id":"toolu_0","content":"24C"}]}
            """.Replace("MODEL", Model, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = bedrock.LastCall;
        Assert.True(call.Signature.Valid, call.Signature.Problem);
        Assert.Equal("/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke", call.Request.RawTarget);
        var sent = call.Body;
        Assert.Equal("bedrock-2023-05-31", sent.GetProperty("anthropic_version").GetString());
        Assert.Equal(4096 + 1024, sent.GetProperty("max_tokens").GetInt32()); // required by Anthropic, above the thinking budget
        Assert.False(sent.TryGetProperty("model", out _));
        Assert.False(sent.TryGetProperty("stream", out _));
        Assert.Equal("""[{"type":"text","text":"Be brief."}]""", sent.GetProperty("system").GetRawText());
        Assert.Equal("""[{"type":"text","text":"Weather?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]""", sent.GetProperty("messages")[0].GetProperty("content").GetRawText());
        Assert.Equal("""[{"type":"tool_use","id":"toolu_0","name":"get_weather","input":{"city":"Rome"}}]""", sent.GetProperty("messages")[1].GetProperty("content").GetRawText());
        Assert.Equal("""[{"type":"tool_result","tool_use_id":"toolu_0","content":"24C"}]""", sent.GetProperty("messages")[2].GetProperty("content").GetRawText());
        Assert.Equal("""[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]""", sent.GetProperty("tools").GetRawText());
        Assert.Equal("""{"type":"none"}""", sent.GetProperty("tool_choice").GetRawText());
        Assert.Equal("""{"type":"enabled","budget_tokens":1024}""", sent.GetProperty("thinking").GetRawText());
        Assert.Equal("""["END"]""", sent.GetProperty("stop_sequences").GetRawText());

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Let me check.", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("Paris is the capital.", choice.GetProperty("message").GetProperty("reasoning_content").GetString());
        Assert.Equal("""{"city":"Paris"}""", choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        var usage = json.RootElement.GetProperty("usage");
        Assert.Equal(127, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(100, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(136, usage.GetProperty("total_tokens").GetInt32());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public async Task Stream_ChunkFramesBecomeChatCompletionChunks(int chunkSize)
    {
        var frames = new[]
        {
            """{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":25,"cache_read_input_tokens":5,"output_tokens":1}}}""",
            """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking"}}""",
            """{"type":"content_block_stop","index":0}""",
            """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_9","name":"get_weather","input":{}}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": "}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}""",
            """{"type":"content_block_stop","index":1}""",
            """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":17}}""",
            """{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":25,"outputTokenCount":17}}""",
        }.Select(Chunk);
        await using var bedrock = await FakeBedrock.StartAsync((context, _) => FakeBedrock.FramesAsync(context, frames, chunkSize));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, model: Model, schema: "AWSAnthropic"));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","stream":true,"stream_options":{"include_usage":true},"max_tokens":300,"messages":[{"role":"user","content":"hi"}]}"""));
        var events = SseData(await response.Content.ReadAsStringAsync());

        Assert.Equal("/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke-with-response-stream", bedrock.LastCall.Request.RawTarget);
        Assert.Equal(300, bedrock.LastCall.Body.GetProperty("max_tokens").GetInt32());
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(static e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("Checking", chunks[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        var start = chunks[2].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal(("toolu_9", "get_weather"), (start.GetProperty("id").GetString(), start.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal("""{"city": "Paris"}""", string.Concat(chunks.Skip(3).Take(2).Select(static c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("tool_calls", chunks[5].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = chunks[6].GetProperty("usage");
        Assert.Equal((30, 17, 47), (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32()));
        Assert.Equal(7, chunks.Count);
    }

    [Fact]
    public async Task ErrorEventInTheStream_EndsItWithTheProvidersError()
    {
        var frames = new[]
        {
            Chunk("""{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":5}}}"""),
            Chunk("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""),
        };
        await using var bedrock = await FakeBedrock.StartAsync((context, _) => FakeBedrock.FramesAsync(context, frames));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, model: Model, schema: "AWSAnthropic"));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var events = SseData(await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        var error = JsonDocument.Parse(events[1]).RootElement.GetProperty("error");
        Assert.Equal(("overloaded_error", "Overloaded"), (error.GetProperty("type").GetString(), error.GetProperty("message").GetString()));
        Assert.Equal("[DONE]", events[2]);
    }

    [Fact]
    public async Task Embeddings_AreRefusedNamingTheSchema()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, model: Model, schema: "AWSAnthropic"));

        using var response = await gateway.Client.SendAsync(Post("/v1/embeddings", $$"""{"model":"{{Model}}","input":"hi"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("AWSAnthropic serves /v1/chat/completions", (await ReadError(response)).GetProperty("message").GetString());
        Assert.Empty(bedrock.Calls);
    }

    /// <summary>An InvokeModelWithResponseStream frame: event type chunk, the Anthropic event as base64 bytes.</summary>
    private static byte[] Chunk(string anthropicEvent) =>
        EventStreamEncoder.Event("chunk", JsonSerializer.Serialize(new { bytes = Convert.ToBase64String(Encoding.UTF8.GetBytes(anthropicEvent)) }));
}
