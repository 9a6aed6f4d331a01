using System.Buffers;
using System.Text.Json;
using Sluice.Usage;

namespace Sluice.Translation.Chat;

/// <summary>
/// Writes OpenAI <c>chat.completion.chunk</c> SSE events (<c>data: {...}\n\n</c>) for translated streams: the role,
/// content and reasoning deltas, tool call starts and argument deltas, the finish reason, a usage-only chunk
/// (<c>choices: []</c>) and <c>[DONE]</c>. One instance per stream, with one JSON writer reset for every event.
/// </summary>
internal sealed class ChatChunkWriter(string id, string model, long created)
{
    private Utf8JsonWriter? _writer;

    public void Role(IBufferWriter<byte> output) => Delta(output, static (w, _) => w.WriteString("role", "assistant"), 0);

    public void Content(IBufferWriter<byte> output, string text) => Delta(output, static (w, t) => w.WriteString("content", t), text);

    public void Reasoning(IBufferWriter<byte> output, string text) => Delta(output, static (w, t) => w.WriteString("reasoning_content", t), text);

    public void ToolCallStart(IBufferWriter<byte> output, int index, string callId, string name) =>
        ToolCall(output, index, callId, name, string.Empty);

    public void ToolCallArguments(IBufferWriter<byte> output, int index, string arguments) =>
        ToolCall(output, index, null, null, arguments);

    public void Finish(IBufferWriter<byte> output, string finishReason)
    {
        var writer = Begin(output);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("delta");
        writer.WriteEndObject();
        writer.WriteString("finish_reason", finishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        End(writer, output);
    }

    public void Usage(IBufferWriter<byte> output, TokenUsage usage)
    {
        var writer = Begin(output);
        writer.WriteStartArray("choices");
        writer.WriteEndArray();
        ChatUsageJson.Write(writer, usage);
        End(writer, output);
    }

    public static void Done(IBufferWriter<byte> output) => output.Write("data: [DONE]\n\n"u8);

    /// <summary>Ends a stream that cannot go on: an error event in the OpenAI envelope, then <c>[DONE]</c>.</summary>
    public static void Error(IBufferWriter<byte> output, string message, string type, string code)
    {
        output.Write("data: "u8);
        Forwarding.ErrorResponse.WriteEnvelope(output, message, type, code, null);
        output.Write("\n\n"u8);
        Done(output);
    }

    private void ToolCall(IBufferWriter<byte> output, int index, string? callId, string? name, string arguments)
    {
        var writer = Begin(output);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("delta");
        writer.WriteStartArray("tool_calls");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        if (callId is not null)
        {
            writer.WriteString("id", callId);
            writer.WriteString("type", "function");
        }

        writer.WriteStartObject("function");
        if (name is not null)
        {
            writer.WriteString("name", name);
        }

        writer.WriteString("arguments", arguments);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteNull("finish_reason");
        writer.WriteEndObject();
        writer.WriteEndArray();
        End(writer, output);
    }

    private void Delta<T>(IBufferWriter<byte> output, Action<Utf8JsonWriter, T> write, T state)
    {
        var writer = Begin(output);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("delta");
        write(writer, state);
        writer.WriteEndObject();
        writer.WriteNull("finish_reason");
        writer.WriteEndObject();
        writer.WriteEndArray();
        End(writer, output);
    }

    private Utf8JsonWriter Begin(IBufferWriter<byte> output)
    {
        output.Write("data: "u8);
        var writer = _writer ??= new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        writer.Reset(output);
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "chat.completion.chunk");
        writer.WriteNumber("created", created);
        writer.WriteString("model", model);
        return writer;
    }

    private static void End(Utf8JsonWriter writer, IBufferWriter<byte> output)
    {
        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n\n"u8);
    }
}
