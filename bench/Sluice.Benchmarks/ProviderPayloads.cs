using System.Text;
using System.Text.Json;
using Amazon.Runtime.EventStreams;

namespace Sluice.Benchmarks;

/// <summary>The OpenAI chat requests the translation benchmarks send.</summary>
public enum ChatRequest
{
    /// <summary>One short user message and max_tokens (about 100 bytes).</summary>
    Small,

    /// <summary>
    /// A system message, eight turns, an assistant tool call and its result, a function tool with a JSON schema, a user
    /// message with a ~4 KB <c>data:</c> image, and sampling fields (about 9 KB).
    /// </summary>
    Conversation,
}

/// <summary>
/// What the provider benchmarks feed the translators: OpenAI chat requests, whole Bedrock Converse and Anthropic
/// answers, and Bedrock streams as AWS event-stream frames (<c>application/vnd.amazon.eventstream</c>) encoded by the
/// AWS SDK itself, with the headers and payloads Bedrock sends.
/// </summary>
internal static class ProviderPayloads
{
    public const string ConverseModel = "us.amazon.nova-lite-v1:0";
    public const string AnthropicModel = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

    /// <summary>A ~700-byte answer text, as the passthrough benchmarks' canned answer.</summary>
    private static readonly string AnswerText = string.Join(' ', Enumerable.Repeat("The quick brown fox jumps over the lazy dog.", 16));

    public static byte[] Request(ChatRequest kind) => Encoding.UTF8.GetBytes(kind == ChatRequest.Small
        ? """{"model":"bench-model","messages":[{"role":"user","content":"Hello! How are you today?"}],"max_tokens":256}"""
        : ConversationRequest());

    /// <summary>A Converse answer: text, <c>stopReason</c>, usage with cache reads, and metrics.</summary>
    public static byte[] ConverseAnswer() => JsonSerializer.SerializeToUtf8Bytes(new
    {
        output = new { message = new { role = "assistant", content = new object[] { new { text = AnswerText } } } },
        stopReason = "end_turn",
        usage = new { inputTokens = 1200, outputTokens = 160, totalTokens = 1360, cacheReadInputTokens = 1024, cacheWriteInputTokens = 0 },
        metrics = new { latencyMs = 812 },
    });

    /// <summary>An Anthropic Messages answer as InvokeModel returns it: text, stop_reason, usage.</summary>
    public static byte[] AnthropicAnswer() => JsonSerializer.SerializeToUtf8Bytes(new
    {
        id = "msg_bdrk_01XFDUDYJgAACzvnptvVoYEL",
        type = "message",
        role = "assistant",
        model = "claude-3-5-haiku-20241022",
        content = new object[] { new { type = "text", text = AnswerText } },
        stop_reason = "end_turn",
        stop_sequence = (string?)null,
        usage = new { input_tokens = 1200, cache_creation_input_tokens = 0, cache_read_input_tokens = 1024, output_tokens = 160 },
    });

    /// <summary>
    /// A ConverseStream answer of <paramref name="frames"/> frames: messageStart, text deltas, contentBlockStop,
    /// messageStop and metadata.
    /// </summary>
    public static byte[][] ConverseStream(int frames)
    {
        var stream = new List<byte[]> { Frame("messageStart", """{"role":"assistant"}""") };
        for (var i = 0; i < frames - 4; i++)
        {
            stream.Add(Frame("contentBlockDelta", $$$"""{"contentBlockIndex":0,"delta":{"text":" word{{{i}}}"}}"""));
        }

        stream.Add(Frame("contentBlockStop", """{"contentBlockIndex":0}"""));
        stream.Add(Frame("messageStop", """{"stopReason":"end_turn"}"""));
        stream.Add(Frame("metadata", $$$"""{"usage":{"inputTokens":25,"outputTokens":{{{frames - 4}}},"totalTokens":{{{frames + 21}}}},"metrics":{"latencyMs":{{{40 * frames}}}}}"""));
        return [.. stream];
    }

    /// <summary>
    /// An InvokeModelWithResponseStream answer of <paramref name="frames"/> <c>chunk</c> frames, each holding one
    /// Anthropic event in base64: message_start, content_block_start, text deltas, content_block_stop, message_delta
    /// and message_stop (with Bedrock's invocation metrics, as Bedrock adds them).
    /// </summary>
    public static byte[][] AnthropicStream(int frames)
    {
        var stream = new List<byte[]>
        {
            Chunk("""{"type":"message_start","message":{"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}"""),
            Chunk("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        };
        for (var i = 0; i < frames - 5; i++)
        {
            stream.Add(Chunk($$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" word{{{i}}}"}}"""));
        }

        stream.Add(Chunk("""{"type":"content_block_stop","index":0}"""));
        stream.Add(Chunk($$$"""{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":{{{frames - 5}}}}}"""));
        stream.Add(Chunk($$$"""{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":25,"outputTokenCount":{{{frames - 5}}},"invocationLatency":{{{40 * frames}}},"firstByteLatency":310}}"""));
        return [.. stream];
    }

    /// <summary>The frames as a fast upstream delivers them: the concatenated stream cut into reads of <paramref name="readSize"/> bytes.</summary>
    public static byte[][] Reads(byte[][] frames, int readSize) => [.. frames.SelectMany(static f => f).Chunk(readSize)];

    private static byte[] Chunk(string anthropicEvent) =>
        Frame("chunk", JsonSerializer.Serialize(new { bytes = Convert.ToBase64String(Encoding.UTF8.GetBytes(anthropicEvent)) }));

    private static byte[] Frame(string eventType, string json)
    {
        List<IEventStreamHeader> headers = [Header(":event-type", eventType), Header(":content-type", "application/json"), Header(":message-type", "event")];
        return new EventStreamMessage(headers, Encoding.UTF8.GetBytes(json)).ToByteArray();
    }

    private static EventStreamHeader Header(string name, string value)
    {
        var header = new EventStreamHeader(name);
        header.SetString(value);
        return header;
    }

    private static string ConversationRequest()
    {
        // 3 KB of image bytes, 4 KB of base64 (a real photo is larger; the translators copy the base64 text as is).
        var image = Convert.ToBase64String([.. Enumerable.Range(0, 3 * 1024).Select(static i => (byte)(i * 31))]);
        var messages = new List<object>
        {
            new { role = "system", content = "You are a careful travel assistant. Answer briefly, cite the tools you used, and ask before booking anything." },
        };
        for (var turn = 0; turn < 4; turn++)
        {
            messages.Add(new { role = "user", content = $"Turn {turn}: which of the three hotels near the station has the quietest rooms, and is breakfast included at each of them?" });
            messages.Add(new { role = "assistant", content = $"Turn {turn}: the Garden Inn has the quietest rooms (courtyard side); breakfast is included at the Garden Inn and the Parkview, not at the Central." });
        }

        messages.Add(new { role = "user", content = "What will the weather be in Lisbon tomorrow?" });
        messages.Add(new
        {
            role = "assistant",
            content = (string?)null,
            tool_calls = new[] { new { id = "call_7Qm2", type = "function", function = new { name = "get_weather", arguments = """{"city":"Lisbon","day":"tomorrow","unit":"celsius"}""" } } },
        });
        messages.Add(new { role = "tool", tool_call_id = "call_7Qm2", content = """{"city":"Lisbon","high":24,"low":16,"sky":"sunny","wind_kmh":12}""" });
        messages.Add(new
        {
            role = "user",
            content = new object[]
            {
                new { type = "text", text = "Thanks. Is this the hotel in the photo?" },
                new { type = "image_url", image_url = new { url = "data:image/png;base64," + image } },
            },
        });

        return JsonSerializer.Serialize(new
        {
            model = "bench-model",
            messages,
            tools = new[]
            {
                new
                {
                    type = "function",
                    function = new
                    {
                        name = "get_weather",
                        description = "The forecast for a city on a given day.",
                        parameters = new
                        {
                            type = "object",
                            properties = new
                            {
                                city = new { type = "string", description = "City name" },
                                day = new { type = "string", @enum = new[] { "today", "tomorrow" } },
                                unit = new { type = "string", @enum = new[] { "celsius", "fahrenheit" } },
                            },
                            required = new[] { "city" },
                        },
                    },
                },
            },
            tool_choice = "auto",
            temperature = 0.3,
            top_p = 0.9,
            max_tokens = 1024,
            stop = new[] { "\n\nUser:" },
            stream = false,
        });
    }
}
