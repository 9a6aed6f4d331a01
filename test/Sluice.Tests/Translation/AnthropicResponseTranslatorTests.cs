using Sluice.TestSupport;
using Sluice.Translation.Anthropic;

namespace Sluice.Translation;

public sealed class AnthropicResponseTranslatorTests
{
    private const string Chunk = """data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1795516045,"model":"claude","choices":""";

    [Fact]
    public void TranslateStream_ChunkFrames_BecomeChunksInOrder()
    {
        using var translator = new AnthropicResponseTranslator("chatcmpl-1", "claude", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(
            translator,
            BedrockFrames.Chunk("""{"type":"message_start","message":{"id":"msg_1","role":"assistant","usage":{"input_tokens":25,"cache_read_input_tokens":5,"output_tokens":1}}}"""),
            BedrockFrames.Chunk("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            BedrockFrames.Chunk("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Say \"hi\" <b>caf\u00e9</b> 😀\n"}}"""),
            BedrockFrames.Chunk("""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}"""),
            BedrockFrames.Chunk("""{"type":"content_block_stop","index":0}"""),
            BedrockFrames.Chunk("""{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}"""),
            BedrockFrames.Chunk("""{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}"""),
            BedrockFrames.Chunk("""{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":12}}"""),
            BedrockFrames.Chunk("""{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":25,"outputTokenCount":12,"invocationLatency":400,"firstByteLatency":100}}"""));

        Assert.True(finished);
        Assert.Equal(
            Chunk + """[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{"content":"Say \"hi\" <b>café</b> \uD83D\uDE00\n"},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{"reasoning_content":"hmm"},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""" + "\n\n"
            + Chunk + """[],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42,"prompt_tokens_details":{"cached_tokens":5,"cache_creation_tokens":0}}}""" + "\n\n"
            + "data: [DONE]\n\n",
            sse);
    }

    [Fact]
    public void TranslateStream_HalfASurrogatePairInADelta_IsAReplacementCharacterAndTheStreamGoesOn()
    {
        using var translator = new AnthropicResponseTranslator("chatcmpl-1", "claude", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(
            translator,
            BedrockFrames.Chunk("""{"type":"message_start","message":{"id":"msg_1","role":"assistant","usage":{"input_tokens":2}}}"""),
            BedrockFrames.Chunk("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\ud83d"}}"""),
            BedrockFrames.Chunk("""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"\ude00b"}}"""),
            BedrockFrames.Chunk("""{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}"""),
            BedrockFrames.Chunk("""{"type":"message_stop"}"""));

        Assert.True(finished);
        var events = Events(sse);
        Assert.Equal("a\uFFFD", events[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal("\uFFFDb", events[2].GetProperty("choices")[0].GetProperty("delta").GetProperty("reasoning_content").GetString());
        Assert.EndsWith("data: [DONE]\n\n", sse, StringComparison.Ordinal);
    }

    [Fact]
    public void TranslateStream_ErrorEventWithALoneSurrogateEscape_EndsWithItsTypeAndMessage()
    {
        using var translator = new AnthropicResponseTranslator("chatcmpl-1", "claude", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(
            translator,
            BedrockFrames.Chunk("""{"type":"message_start","message":{"id":"msg_1","role":"assistant","usage":{"input_tokens":2}}}"""),
            BedrockFrames.Chunk("""{"type":"error","error":{"type":"overloaded_error","message":"busy \ud800"}}"""));

        Assert.False(finished);
        var error = Events(sse)[^1].GetProperty("error");
        Assert.Equal("overloaded_error", error.GetProperty("type").GetString());
        Assert.Equal("busy \uFFFD", error.GetProperty("message").GetString());
    }

    [Fact]
    public void TranslateBody_LoneSurrogateEscapes_AreReplacementCharacters()
    {
        using var translator = new AnthropicResponseTranslator("chatcmpl-1", "claude", 1795516045);
        using var output = new Sluice.Forwarding.PooledBufferWriter();

        var translated = translator.TranslateBody(System.Text.Encoding.UTF8.GetBytes("""
            {"id":"msg_\ud800","content":[{"type":"thinking","thinking":"\udc00"},{"type":"text","text":"a\ud83d"}],"stop_reason":"end_turn","usage":{"input_tokens":2,"output_tokens":3}}
            """), output);

        Assert.True(translated);
        using var body = System.Text.Json.JsonDocument.Parse(output.WrittenMemory);
        var message = body.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("msg_\uFFFD", body.RootElement.GetProperty("id").GetString());
        Assert.Equal("a\uFFFD", message.GetProperty("content").GetString());
        Assert.Equal("\uFFFD", message.GetProperty("reasoning_content").GetString());
    }

    [Theory]
    [InlineData("""{"bytes":"not base64!"}""")]
    [InlineData("""{"bytes":null}""")]
    [InlineData("""{"p":"abc"}""")]
    public void TranslateStream_ChunkWithoutReadableBytes_EndsTheStreamAsCorrupt(string payload)
    {
        using var translator = new AnthropicResponseTranslator("chatcmpl-1", "claude", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(
            translator,
            BedrockFrames.Chunk("""{"type":"message_start","message":{"id":"msg_1","role":"assistant","usage":{"input_tokens":25}}}"""),
            BedrockFrames.Event("chunk", payload));

        Assert.False(finished);
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, events.Length);
        Assert.Contains("\"code\":\"upstream_stream_corrupt\"", events[1], StringComparison.Ordinal);
        Assert.Equal("data: [DONE]", events[2]);
    }

    [Theory]
    [InlineData("""{"id":"msg_1","content":[{"type":"text","text":"hi"}]}""")]
    [InlineData("""{"id":"msg_1","content":[{"type":"text","text":"hi"}],"stop_reason":5}""")]
    [InlineData("""{"id":5,"content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn"}""")]
    [InlineData("""{"id":"msg_1","content":[5],"stop_reason":"end_turn"}""")]
    [InlineData("""{"id":"msg_1","content":[{}],"stop_reason":"end_turn"}""")]
    [InlineData("""{"id":"msg_1","content":[{"type":5,"text":"hi"}],"stop_reason":"end_turn"}""")]
    [InlineData("""{"id":"msg_1","content":[{"type":"text"}],"stop_reason":"end_turn"}""")]
    [InlineData("""{"id":"msg_1","content":[{"type":"text","text":5}],"stop_reason":"end_turn"}""")]
    [InlineData("""{"id":"msg_1","content":[{"type":"thinking","thinking":null}],"stop_reason":"end_turn"}""")]
    [InlineData("""{"id":"msg_1","content":[{"type":"tool_use","id":5,"name":"f","input":{}}],"stop_reason":"tool_use"}""")]
    [InlineData("""{"id":"msg_1","content":[{"type":"tool_use","id":"t","input":{}}],"stop_reason":"tool_use"}""")]
    [InlineData("""{"id":"msg_1","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"output_tokens":"2"}}""")]
    [InlineData("""{"id":"msg_1","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":1.5}}""")]
    public void TranslateBody_FieldMissingOrOfTheWrongType_IsNotTheExpectedBody(string body)
    {
        using var translator = new AnthropicResponseTranslator("chatcmpl-1", "claude", 1795516045);
        using var output = new Sluice.Forwarding.PooledBufferWriter();

        Assert.False(translator.TranslateBody(System.Text.Encoding.UTF8.GetBytes(body), output));
    }

    [Fact]
    public void TranslateBody_NullStopReasonAndOtherBlocks_AreAStopWithTheTextOnly()
    {
        using var translator = new AnthropicResponseTranslator("chatcmpl-1", "claude", 1795516045);
        using var output = new Sluice.Forwarding.PooledBufferWriter();

        Assert.True(translator.TranslateBody(System.Text.Encoding.UTF8.GetBytes("""
            {"content":[{"type":"redacted_thinking","data":"YWJj"},{"type":"text","text":"hi"}],"stop_reason":null}
            """), output));
        using var json = System.Text.Json.JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal("chatcmpl-1", json.RootElement.GetProperty("id").GetString());
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("hi", choice.GetProperty("message").GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("""{"type":5}""", "type must be a string, not a number")]
    [InlineData("""{"index":0}""", "type is required: a string")]
    [InlineData("""{"type":"content_block_start","index":"0","content_block":{"type":"tool_use","id":"t","name":"f"}}""", "index must be an integer, not a string")]
    [InlineData("""{"type":"content_block_start","index":0,"content_block":{"type":5}}""", "type must be a string, not a number")]
    [InlineData("""{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":5,"name":"f"}}""", "id must be a string, not a number")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":null}}""", "text must be a string, not null")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta"}}""", "partial_json is required: a string")]
    [InlineData("""{"type":"message_delta","delta":{"stop_reason":5}}""", "stop_reason must be a string, not a number")]
    [InlineData("""{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1.5}}""", "usage holds a token count that is not a whole number")]
    public void TranslateStream_EventFieldMissingOrOfTheWrongType_EndsAsCorruptNamingIt(string anthropicEvent, string problem)
    {
        using var translator = new AnthropicResponseTranslator("chatcmpl-1", "claude", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(
            translator,
            BedrockFrames.Chunk("""{"type":"message_start","message":{"id":"msg_1","role":"assistant","usage":{"input_tokens":25}}}"""),
            BedrockFrames.Chunk(anthropicEvent));

        Assert.False(finished);
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, events.Length);
        var error = Events(sse)[1].GetProperty("error");
        Assert.Equal("upstream_stream_corrupt", error.GetProperty("code").GetString());
        Assert.Equal($"AWS Bedrock sent an event Sluice cannot read (chunk): {problem}", error.GetProperty("message").GetString());
        Assert.Equal("data: [DONE]", events[2]);
    }

    [Fact]
    public void TranslateStream_ErrorEventWithWrongTypedFields_EndsAsAnAnthropicError()
    {
        using var translator = new AnthropicResponseTranslator("chatcmpl-1", "claude", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(translator, BedrockFrames.Chunk("""{"type":"error","error":{"type":5,"message":{}}}"""));

        Assert.False(finished);
        var error = Events(sse)[0].GetProperty("error");
        Assert.Equal("anthropic_error", error.GetProperty("type").GetString());
        Assert.Equal("anthropic_error", error.GetProperty("code").GetString());
    }

    /// <summary>Every JSON event of an SSE text, <c>[DONE]</c> left out.</summary>
    private static List<System.Text.Json.JsonElement> Events(string sse) => sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
        .Select(static e => e["data: ".Length..])
        .Where(static d => d.StartsWith('{'))
        .Select(static d => System.Text.Json.JsonDocument.Parse(d).RootElement)
        .ToList();
}
