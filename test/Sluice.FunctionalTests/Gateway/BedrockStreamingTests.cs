using System.Net;
using System.Text.Json;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>ConverseStream's binary event stream → OpenAI chat.completion.chunk SSE, however the frames arrive.</summary>
public sealed class BedrockStreamingTests
{
    private const string Model = "us.amazon.nova-micro-v1:0";
    private const string StreamWithUsage = """{"model":"us.amazon.nova-micro-v1:0","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData(0)] // one write per frame
    [InlineData(1)] // every frame split across many reads
    [InlineData(7)]
    [InlineData(100_000)] // all frames in one read
    public async Task Stream_IsTranslatedChunkByChunk_WhateverTheFraming(int chunkSize)
    {
        await using var bedrock = await FakeBedrock.StartAsync((context, _) => FakeBedrock.FramesAsync(context, FakeBedrock.TextStream("Hello", " from", " Bedrock"), chunkSize));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", StreamWithUsage));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("/model/us.amazon.nova-micro-v1%3A0/converse-stream", bedrock.LastCall.Request.RawTarget);
        Assert.True(bedrock.LastCall.Signature.Valid, bedrock.LastCall.Signature.Problem);
        var events = SseData(await response.Content.ReadAsStringAsync());
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(static e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, static c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(chunks, static c => Assert.Equal(FakeBedrock.RequestId, c.GetProperty("id").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(["Hello", " from", " Bedrock"], chunks.Skip(1).Take(3).Select(static c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal("stop", chunks[4].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = chunks[5];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(9, usage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(6, chunks.Count);
    }

    [Fact]
    public async Task Stream_WithoutIncludeUsage_HidesTheUsageChunk_ButStillCountsTheTokens()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var events = SseData(await response.Content.ReadAsStringAsync());

        Assert.DoesNotContain(events, static e => e.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.Equal("[DONE]", events[^1]);
        var log = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal("aws.bedrock", log.GetProperty("gen_ai.provider.name").GetString());
        Assert.Equal(9, log.GetProperty("gen_ai.usage.input_tokens").GetInt32());
        Assert.Equal(3, log.GetProperty("gen_ai.usage.output_tokens").GetInt32());
        Assert.Equal(12, log.GetProperty("gen_ai.usage.total_tokens").GetInt32());
    }

    [Fact]
    public async Task ToolUseStream_BecomesToolCallStartAndArgumentDeltas()
    {
        var frames = new List<byte[]>
        {
            EventStreamEncoder.Event("messageStart", """{"role":"assistant"}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Let me check."}}"""),
            EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":0}"""),
            EventStreamEncoder.Event("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_abc","name":"get_weather"}}}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"city\":"}}}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"Paris\"}"}}}"""),
            EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":1}"""),
            EventStreamEncoder.Event("messageStop", """{"stopReason":"tool_use"}"""),
            EventStreamEncoder.Event("metadata", """{"usage":{"inputTokens":20,"outputTokens":15,"totalTokens":35}}"""),
        };
        await using var bedrock = await FakeBedrock.StartAsync((context, _) => FakeBedrock.FramesAsync(context, frames, chunkSize: 5));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", StreamWithUsage));
        var chunks = SseData(await response.Content.ReadAsStringAsync())[..^1].Select(static e => JsonDocument.Parse(e).RootElement).ToList();

        var start = chunks[2].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal(0, start.GetProperty("index").GetInt32());
        Assert.Equal("tooluse_abc", start.GetProperty("id").GetString());
        Assert.Equal("get_weather", start.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(string.Empty, start.GetProperty("function").GetProperty("arguments").GetString());
        var arguments = string.Concat(chunks.Skip(3).Take(2).Select(static c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("""{"city":"Paris"}""", arguments);
        Assert.Equal("tool_calls", chunks[5].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(35, chunks[6].GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task ExceptionMidStream_EndsWithAnSseErrorEventAndDone()
    {
        var frames = FakeBedrock.TextStream("partial")[..2];
        frames.Add(EventStreamEncoder.Exception("throttlingException", "Too many tokens, please wait."));
        await using var bedrock = await FakeBedrock.StartAsync(async (context, _) =>
        {
            await FakeBedrock.FramesAsync(context, frames);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); // Bedrock would close; Sluice must not wait for it
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", StreamWithUsage));
        var events = SseData(await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("partial", JsonDocument.Parse(events[1]).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        var error = JsonDocument.Parse(events[2]).RootElement.GetProperty("error");
        Assert.Equal("throttlingException", error.GetProperty("type").GetString());
        Assert.Equal("Too many tokens, please wait.", error.GetProperty("message").GetString());
        Assert.Equal("[DONE]", events[3]);
        var log = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal("StreamInterrupted", log.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task CorruptFrame_EndsWithAnSseErrorEvent()
    {
        var frames = FakeBedrock.TextStream("ok", "lost");
        frames[2] = (byte[])frames[2].Clone();
        frames[2][^6] ^= 0x5A; // payload byte: the message CRC no longer matches
        await using var bedrock = await FakeBedrock.StartAsync((context, _) => FakeBedrock.FramesAsync(context, frames));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", StreamWithUsage));
        var events = SseData(await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.True(events.Count == 4, string.Join("\n", events));
        Assert.Equal("ok", JsonDocument.Parse(events[1]).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal("upstream_stream_corrupt", JsonDocument.Parse(events[2]).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(4, events.Count);
    }

    [Fact]
    public async Task StreamClosedBeforeMessageStop_EndsWithAnSseErrorEvent_AndEstimatedUsage()
    {
        var frames = FakeBedrock.TextStream("cut", " short")[..3];
        await using var bedrock = await FakeBedrock.StartAsync((context, _) => FakeBedrock.FramesAsync(context, frames));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", StreamWithUsage));
        var events = SseData(await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("upstream_interrupted", JsonDocument.Parse(events[^2]).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("[DONE]", events[^1]);
        var log = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal("StreamInterrupted", log.GetProperty("outcome").GetString());
        Assert.True(log.GetProperty("gen_ai.usage.estimated").GetBoolean());
        Assert.True(log.GetProperty("gen_ai.usage.output_tokens").GetInt32() > 0); // "cut short" was streamed
        Assert.True(log.GetProperty("gen_ai.usage.input_tokens").GetInt32() > 0);
    }

    /// <summary>The data of each SSE event, in order.</summary>
    internal static List<string> SseData(string body) =>
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(static e => e.Trim()).Where(static e => e.StartsWith("data: ", StringComparison.Ordinal)).Select(static e => e["data: ".Length..]).ToList();
}
