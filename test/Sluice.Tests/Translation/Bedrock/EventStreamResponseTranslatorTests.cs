using System.Text;
using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Sluice.Forwarding;
using Sluice.TestSupport;

namespace Sluice.Translation.Bedrock;

/// <summary>What every Bedrock stream translator shares, driven through <see cref="ConverseResponseTranslator"/>.</summary>
public sealed class EventStreamResponseTranslatorTests
{
    private static readonly byte[][] Frames =
    [
        BedrockFrames.Event("messageStart", """{"role":"assistant"}"""),
        BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"caf\u00e9 😀"}}"""),
        BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":" again"}}"""),
        BedrockFrames.Event("messageStop", """{"stopReason":"end_turn"}"""),
        BedrockFrames.Event("metadata", """{"usage":{"inputTokens":20,"outputTokens":15}}"""),
    ];

    [Fact]
    public void TranslateStream_FramesSplitAnywhereInAReusedBuffer_GiveTheSameEventsAsOneFramePerRead()
    {
        var expected = BedrockFrames.Translate(new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045), Frames);
        var stream = Frames.SelectMany(static f => f).ToArray();

        Assert.True(expected.Finished);
        Assert.Equal(expected, Translate(stream, [stream.Length]));
        Assert.Equal(expected, Translate(stream, Enumerable.Repeat(1, stream.Length)));
        var random = new Random(7);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(expected, Translate(stream, Enumerable.Range(0, stream.Length).Select(_ => random.Next(1, 90))));
        }
    }

    [Fact]
    public void TranslateStream_ExceptionFrame_EndsWithItsTypeAndPayloadMessage()
    {
        var exception = BedrockFrames.Frame([(":message-type", "exception"), (":exception-type", "throttlingException")], """{"message":"Too many tokens, please wait."}""");

        var (sse, finished) = BedrockFrames.Translate(new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045), Frames[0], exception, Frames[1]);

        Assert.False(finished);
        var error = Error(sse);
        Assert.Equal("throttlingException", error.GetProperty("type").GetString());
        Assert.Equal("Too many tokens, please wait.", error.GetProperty("message").GetString());
    }

    [Fact]
    public void TranslateStream_ExceptionFrameWithALoneSurrogateEscape_EndsWithItsMessage()
    {
        var exception = BedrockFrames.Frame([(":message-type", "exception"), (":exception-type", "validationException")], """{"message":"bad input: \ud83d"}""");

        var (sse, finished) = BedrockFrames.Translate(new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045), Frames[0], exception);

        Assert.False(finished);
        var error = Error(sse);
        Assert.Equal("validationException", error.GetProperty("type").GetString());
        Assert.Equal("bad input: \uFFFD", error.GetProperty("message").GetString());
    }

    [Fact]
    public void TranslateStream_ErrorFrame_EndsWithItsCodeAndMessageHeaders()
    {
        var frame = BedrockFrames.Frame([(":message-type", "error"), (":error-code", "InternalFailure"), (":error-message", "caf\u00e9 down")], "");

        var (sse, finished) = BedrockFrames.Translate(new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045), Frames[0], frame);

        Assert.False(finished);
        var error = Error(sse);
        Assert.Equal("InternalFailure", error.GetProperty("type").GetString());
        Assert.Equal("caf\u00e9 down", error.GetProperty("message").GetString());
    }

    [Fact]
    public void TranslateStream_CorruptFrame_EndsAsACorruptStreamAfterTheFramesBefore()
    {
        var corrupt = (byte[])Frames[1].Clone();
        corrupt[^6] ^= 0x5A;
        var read = Frames[0].Concat(corrupt).ToArray();
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);
        using var output = new PooledBufferWriter();

        Assert.False(translator.TranslateStream(read, read.Length, output));

        var sse = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.Contains("\"role\":\"assistant\"", sse, StringComparison.Ordinal);
        var error = Error(sse);
        Assert.Equal("upstream_stream_corrupt", error.GetProperty("code").GetString());
        Assert.StartsWith("the AWS event stream from Bedrock is corrupt: a frame's message CRC", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" \r\n", true)]
    [InlineData(" x", false)]
    [InlineData("{}", false)]
    public void TranslateStream_BytesAfterTheJsonPayload_AreCorruptUnlessWhitespace(string trailing, bool readable)
    {
        var (sse, finished) = BedrockFrames.Translate(
            new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045),
            Frames[0],
            BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"x"}}""" + trailing),
            Frames[3]);

        Assert.Equal(readable, finished);
        Assert.Equal(readable, !sse.Contains("upstream_stream_corrupt", StringComparison.Ordinal));
        if (!readable)
        {
            Assert.StartsWith("AWS Bedrock sent an event Sluice cannot read (contentBlockDelta): ", Error(sse).GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    /// <summary>Feeds the stream in reads of the given sizes, each copied to the start of one reused buffer, as <see cref="TranslatingStream"/> does.</summary>
    private static (string Sse, bool Finished) Translate(byte[] stream, IEnumerable<int> readSizes)
    {
        using var translator = new ConverseResponseTranslator("chatcmpl-1", "nova", 1795516045);
        using var output = new PooledBufferWriter();
        var buffer = new byte[stream.Length];
        var offset = 0;
        foreach (var size in readSizes)
        {
            var count = Math.Min(size, stream.Length - offset);
            if (count == 0)
            {
                break;
            }

            buffer.AsSpan().Fill(0xEE);
            stream.AsSpan(offset, count).CopyTo(buffer);
            offset += count;
            if (!translator.TranslateStream(buffer, count, output))
            {
                return (Encoding.UTF8.GetString(output.WrittenSpan), false);
            }
        }

        var finished = translator.CompleteStream(output);
        return (Encoding.UTF8.GetString(output.WrittenSpan), finished);
    }

    /// <summary>The <c>error</c> object of the stream's error event (the one before <c>[DONE]</c>).</summary>
    private static JsonElement Error(string sse)
    {
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        return JsonDocument.Parse(events[^2]["data: ".Length..]).RootElement.GetProperty("error");
    }
}
