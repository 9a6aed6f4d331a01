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
}
