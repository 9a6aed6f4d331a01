using Sluice.TestSupport;
using Sluice.Translation.Bedrock;

namespace Sluice.Translation;

public sealed class ConverseResponseTranslatorTests
{
    private const string Chunk = """data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1795516045,"model":"nova","choices":""";

    [Fact]
    public void TranslateStream_TextToolCallAndUsage_BecomeChunksInOrder()
    {
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(
            translator,
            BedrockFrames.Event("messageStart", """{"role":"assistant"}"""),
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Say \"hi\" <b>caf\u00e9</b> 😀\n"}}"""),
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"hmm"}}}"""),
            BedrockFrames.Event("contentBlockStop", """{"contentBlockIndex":0}"""),
            BedrockFrames.Event("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t1","name":"get_weather"}}}"""),
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"city\":\"Paris\"}"}}}"""),
            BedrockFrames.Event("messageStop", """{"stopReason":"tool_use"}"""),
            BedrockFrames.Event("metadata", """{"usage":{"inputTokens":20,"outputTokens":15,"totalTokens":35,"cacheReadInputTokens":4},"metrics":{"latencyMs":120}}"""));

        Assert.True(finished);
        Assert.Equal(
            Chunk + """[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{"content":"Say \"hi\" <b>café</b> \uD83D\uDE00\n"},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{"reasoning_content":"hmm"},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":null}]}""" + "\n\n"
            + Chunk + """[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""" + "\n\n"
            + Chunk + """[],"usage":{"prompt_tokens":24,"completion_tokens":15,"total_tokens":39,"prompt_tokens_details":{"cached_tokens":4,"cache_creation_tokens":0}}}""" + "\n\n"
            + "data: [DONE]\n\n",
            sse);
    }

    [Fact]
    public void TranslateStream_HalfASurrogatePairInADelta_IsAReplacementCharacterAndTheStreamGoesOn()
    {
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(
            translator,
            BedrockFrames.Event("messageStart", """{"role":"assistant"}"""),
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"a\ud83d"}}"""),
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"\ude00b"}}}"""),
            BedrockFrames.Event("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t\ud800","name":"f"}}}"""),
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"q\":\"\udc00"}}}"""),
            BedrockFrames.Event("messageStop", """{"stopReason":"end_turn"}"""),
            BedrockFrames.Event("metadata", """{"usage":{"inputTokens":2,"outputTokens":3}}"""));

        Assert.True(finished);
        var deltas = Deltas(sse);
        Assert.Equal("a\uFFFD", deltas[1].GetProperty("content").GetString());
        Assert.Equal("\uFFFDb", deltas[2].GetProperty("reasoning_content").GetString());
        Assert.Equal("t\uFFFD", deltas[3].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("{\"q\":\"\uFFFD", deltas[4].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.EndsWith("data: [DONE]\n\n", sse, StringComparison.Ordinal);
    }

    [Fact]
    public void TranslateBody_LoneSurrogateEscapes_AreReplacementCharacters()
    {
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);
        using var output = new Sluice.Forwarding.PooledBufferWriter();

        var translated = translator.TranslateBody(System.Text.Encoding.UTF8.GetBytes("""
            {"output":{"message":{"role":"assistant","content":[{"text":"a\ud83d"},{"reasoningContent":{"reasoningText":{"text":"\udc00"}}},{"toolUse":{"toolUseId":"t1","name":"f\ud800","input":{"q":"\ud800"}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":2,"outputTokens":3}}
            """), output);

        Assert.True(translated);
        using var body = System.Text.Json.JsonDocument.Parse(output.WrittenMemory);
        var message = body.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("a\uFFFD", message.GetProperty("content").GetString());
        Assert.Equal("\uFFFD", message.GetProperty("reasoning_content").GetString());
        Assert.Equal("f\uFFFD", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"q":"\ud800"}""", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()); // JSON text, kept as sent
    }

    [Fact]
    public void TranslateBody_UnreadablePropertyName_IsNotTheExpectedBody()
    {
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);
        using var output = new Sluice.Forwarding.PooledBufferWriter();

        Assert.False(translator.TranslateBody(System.Text.Encoding.UTF8.GetBytes("""{"output":{"message":{"content":[{"text":"hi"}]}},"stopReason":"end_turn","\ud800":1}"""), output));
    }

    [Fact]
    public void TranslateStream_UnreadableEvent_EndsWithAnErrorAfterTheChunksBefore()
    {
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(
            translator,
            BedrockFrames.Event("messageStart", """{"role":"assistant"}"""),
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"one"}}"""),
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"""),
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"never"}}"""));

        Assert.False(finished);
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, events.Length);
        Assert.Equal(Chunk + """[{"index":0,"delta":{"content":"one"},"finish_reason":null}]}""", events[1]);
        Assert.Contains("\"code\":\"upstream_stream_corrupt\"", events[2], StringComparison.Ordinal);
        Assert.Equal("data: [DONE]", events[3]);
    }

    [Theory]
    [InlineData("""{"output":{"message":{"content":[{"text":"hi"}]}},"usage":{"inputTokens":1,"outputTokens":1}}""")]
    [InlineData("""{"output":{"message":{"content":[{"text":"hi"}]}},"stopReason":5}""")]
    [InlineData("""{"output":{"message":{"content":[{"text":"hi"}]}},"stopReason":null}""")]
    [InlineData("""{"output":{"message":{"content":[5]}},"stopReason":"end_turn"}""")]
    [InlineData("""{"output":{"message":{"content":[{"text":5}]}},"stopReason":"end_turn"}""")]
    [InlineData("""{"output":{"message":{"content":[{"reasoningContent":{"reasoningText":{"text":{}}}}]}},"stopReason":"end_turn"}""")]
    [InlineData("""{"output":{"message":{"content":[{"toolUse":{"toolUseId":5,"name":"f","input":{}}}]}},"stopReason":"tool_use"}""")]
    [InlineData("""{"output":{"message":{"content":[{"toolUse":{"toolUseId":"t","input":{}}}]}},"stopReason":"tool_use"}""")]
    [InlineData("""{"output":{"message":{"content":[{"toolUse":"f"}]}},"stopReason":"tool_use"}""")]
    [InlineData("""{"output":{"message":{"content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":"x"}""")]
    [InlineData("""{"output":{"message":{"content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":{"inputTokens":"5"}}""")]
    [InlineData("""{"output":{"message":{"content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":{"inputTokens":1.5}}""")]
    [InlineData("""{"output":{"message":{"content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":{"outputTokens":1e30}}""")]
    public void TranslateBody_FieldMissingOrOfTheWrongType_IsNotTheExpectedBody(string body)
    {
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);
        using var output = new Sluice.Forwarding.PooledBufferWriter();

        Assert.False(translator.TranslateBody(System.Text.Encoding.UTF8.GetBytes(body), output));
    }

    [Fact]
    public void TranslateBody_RedactedReasoningAndOtherBlocks_AreLeftOut()
    {
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);
        using var output = new Sluice.Forwarding.PooledBufferWriter();

        Assert.True(translator.TranslateBody(System.Text.Encoding.UTF8.GetBytes("""
            {"output":{"message":{"content":[{"reasoningContent":{"redactedContent":"YWJj"}},{"image":{"format":"png"}},{"text":"hi"}]}},"stopReason":"end_turn"}
            """), output));
        using var json = System.Text.Json.JsonDocument.Parse(output.WrittenMemory);
        var message = json.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("hi", message.GetProperty("content").GetString());
        Assert.False(message.TryGetProperty("reasoning_content", out _));
    }

    [Theory]
    [InlineData("messageStop", """{}""", "stopReason is required: a string")]
    [InlineData("messageStop", """{"stopReason":5}""", "stopReason must be a string, not a number")]
    [InlineData("contentBlockStart", """{"contentBlockIndex":"0","start":{"toolUse":{"toolUseId":"t","name":"f"}}}""", "contentBlockIndex must be an integer, not a string")]
    [InlineData("contentBlockStart", """{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":null,"name":"f"}}}""", "toolUseId must be a string, not null")]
    [InlineData("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":5}}""", "text must be a string, not a number")]
    [InlineData("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":{}}}}""", "input must be a string, not an object")]
    [InlineData("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":5}}}""", "text must be a string, not a number")]
    [InlineData("metadata", """{"usage":{"inputTokens":1.5}}""", "usage holds a token count that is not a whole number")]
    public void TranslateStream_EventFieldMissingOrOfTheWrongType_EndsAsCorruptNamingIt(string eventType, string payload, string problem)
    {
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);

        var (sse, finished) = BedrockFrames.Translate(translator, BedrockFrames.Event("messageStart", """{"role":"assistant"}"""), BedrockFrames.Event(eventType, payload));

        Assert.False(finished);
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, events.Length);
        using var error = System.Text.Json.JsonDocument.Parse(events[1]["data: ".Length..]);
        Assert.Equal("upstream_stream_corrupt", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal($"AWS Bedrock sent an event Sluice cannot read ({eventType}): {problem}", error.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("data: [DONE]", events[2]);
    }

    /// <summary>The <c>delta</c> of every chunk, in order (the usage chunk and <c>[DONE]</c> left out).</summary>
    private static List<System.Text.Json.JsonElement> Deltas(string sse) => sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
        .Select(static e => e["data: ".Length..])
        .Where(static d => d.StartsWith('{'))
        .Select(static d => System.Text.Json.JsonDocument.Parse(d).RootElement.GetProperty("choices"))
        .Where(static c => c.GetArrayLength() > 0)
        .Select(static c => c[0].GetProperty("delta"))
        .ToList();
}
