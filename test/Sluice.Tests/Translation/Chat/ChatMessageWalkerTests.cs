using System.Text.Json;
using Sluice.Forwarding;
using Sluice.Translation.Bedrock;

namespace Sluice.Translation.Chat;

public sealed class ChatMessageWalkerTests
{
    [Theory]
    [InlineData("""[5]""", "messages[0]", "messages[0] must be an object, not a number")]
    [InlineData("""["hi"]""", "messages[0]", "messages[0] must be an object, not a string")]
    [InlineData("""[null]""", "messages[0]", "messages[0] must be an object, not null")]
    [InlineData("""[{"role":5,"content":"hi"}]""", "messages[0].role", "messages[0].role must be a string, not a number")]
    [InlineData("""[{"content":"hi"}]""", "messages[0].role", "messages[0].role is required: a string")]
    [InlineData("""[{"role":"user","content":5}]""", "messages[0].content", "messages[0].content must be a string or an array of content parts, not a number")]
    [InlineData("""[{"role":"user","content":{"type":"text","text":"hi"}}]""", "messages[0].content", "messages[0].content must be a string or an array of content parts, not an object")]
    [InlineData("""[{"role":"user"}]""", "messages[0].content", "messages[0].content is required: a string or an array of content parts")]
    [InlineData("""[{"role":"user","content":null}]""", "messages[0].content", "messages[0].content must be a string or an array of content parts, not null")]
    [InlineData("""[{"role":"user","content":["hi"]}]""", "messages[0].content[0]", "messages[0].content[0] must be an object, not a string")]
    [InlineData("""[{"role":"user","content":[{"text":"hi"}]}]""", "messages[0].content[0].type", "messages[0].content[0].type is required: a string")]
    [InlineData("""[{"role":"user","content":[{"type":5}]}]""", "messages[0].content[0].type", "messages[0].content[0].type must be a string, not a number")]
    [InlineData("""[{"role":"user","content":[{"type":"text"}]}]""", "messages[0].content[0].text", "messages[0].content[0].text is required: a string")]
    [InlineData("""[{"role":"user","content":[{"type":"text","text":5}]}]""", "messages[0].content[0].text", "messages[0].content[0].text must be a string, not a number")]
    [InlineData("""[{"role":"user","content":[{"type":"text","text":null}]}]""", "messages[0].content[0].text", "messages[0].content[0].text must be a string, not null")]
    [InlineData("""[{"role":"user","content":[{"type":"image_url","image_url":"data:image/png;base64,AA=="}]}]""", "messages[0].content[0].image_url", "messages[0].content[0].image_url must be an object, not a string")]
    [InlineData("""[{"role":"user","content":[{"type":"image_url","image_url":{"url":5}}]}]""", "messages[0].content[0].image_url.url", "messages[0].content[0].image_url.url must be a string, not a number")]
    [InlineData("""[{"role":"system","content":5},{"role":"user","content":"hi"}]""", "messages[0].content", "messages[0].content must be a string or an array of content parts, not a number")]
    [InlineData("""[{"role":"developer","content":[{}]},{"role":"user","content":"hi"}]""", "messages[0].content[0].type", "messages[0].content[0].type is required: a string")]
    [InlineData("""[{"role":"system","content":[{"type":"text","text":{}}]},{"role":"user","content":"hi"}]""", "messages[0].content[0].text", "messages[0].content[0].text must be a string, not an object")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"refusal","refusal":false}]}]""", "messages[1].content[0].refusal", "messages[1].content[0].refusal must be a string, not a boolean")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","content":"a","tool_calls":"x"}]""", "messages[1].tool_calls", "messages[1].tool_calls must be an array, not a string")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":{"id":"t"}}]""", "messages[1].tool_calls", "messages[1].tool_calls must be an array, not an object")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[5]}]""", "messages[1].tool_calls[0]", "messages[1].tool_calls[0] must be an object, not a number")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]""", "messages[1].tool_calls[0].id", "messages[1].tool_calls[0].id is required: a string")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":5,"type":"function","function":{"name":"f","arguments":"{}"}}]}]""", "messages[1].tool_calls[0].id", "messages[1].tool_calls[0].id must be a string, not a number")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":"f"}]}]""", "messages[1].tool_calls[0].function", "messages[1].tool_calls[0].function must be an object, not a string")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"arguments":"{}"}}]}]""", "messages[1].tool_calls[0].function.name", "messages[1].tool_calls[0].function.name is required: a string")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":{"a":1}}}]}]""", "messages[1].tool_calls[0].function.arguments", "messages[1].tool_calls[0].function.arguments must be a string (the arguments as JSON text), not an object")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":5,"content":"r"}]""", "messages[1].tool_call_id", "messages[1].tool_call_id must be a string, not a number")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"tool","content":"r"}]""", "messages[1].tool_call_id", "messages[1].tool_call_id is required: a string")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":null,"content":"r"}]""", "messages[1].tool_call_id", "messages[1].tool_call_id must be a string, not null")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"t","content":7}]""", "messages[1].content", "messages[1].content must be a string or an array of content parts, not a number")]
    public void Write_WrongTypedOrMissingField_IsMalformedNamingItAndTheTypes(string messages, string param, string message)
    {
        var result = Walk(messages, out _);

        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
        Assert.Equal(message, result.Error);
    }

    [Theory]
    [InlineData("""[{"role":"critic","content":"x"}]""", "messages[0].role")]
    [InlineData("""[{"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}]""", "messages[0].content")]
    [InlineData("""[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]""", "messages[0].content[0].type")]
    [InlineData("""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]""", "messages[0].content[0].image_url.url")]
    [InlineData("""[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"[1]"}}]}]""", "messages[1].tool_calls[0].function.arguments")]
    public void Write_WellTypedButNotTranslatable_IsStillUntranslatable(string messages, string param)
    {
        var result = Walk(messages, out _);

        Assert.Equal(GatewayError.Untranslatable, result.Kind);
        Assert.Equal(param, result.Param);
    }

    [Fact]
    public void Write_NullContentAndAbsentArguments_AreEmpty()
    {
        var result = Walk("""[{"role":"system","content":null},{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function","function":{"name":"f"}}]},{"role":"tool","tool_call_id":"t"}]""", out var converse);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("""[{"role":"user","content":[{"text":"hi"}]},{"role":"assistant","content":[{"toolUse":{"toolUseId":"t","name":"f","input":{}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"t","content":[{"text":""}]}}]}]""", converse);
    }

    /// <summary>Walks <paramref name="messages"/> for Converse; the messages array written, when the walk succeeded.</summary>
    private static TranslationResult Walk(string messages, out string written)
    {
        using var document = JsonDocument.Parse(messages);
        using var output = new PooledBufferWriter();
        TranslationResult result;
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            result = ChatMessageWalker.Write(document.RootElement, writer, ConverseContent.Instance, [], "Bedrock");
            if (result.Succeeded)
            {
                writer.WriteEndObject();
            }
        }

        written = string.Empty;
        if (result.Succeeded)
        {
            using var converse = JsonDocument.Parse(output.WrittenMemory);
            written = converse.RootElement.GetProperty("messages").GetRawText();
        }

        return result;
    }
}
