using System.Text;
using System.Text.Json;
using Sluice.Forwarding;
using Sluice.Translation.Anthropic;

namespace Sluice.Translation;

public sealed class AnthropicTranslatorTests
{
    private static readonly AnthropicTranslator Translator = new(null, TimeProvider.System);

    [Fact]
    public void TranslateRequest_Messages_BecomeTheAnthropicBody()
    {
        using var output = new PooledBufferWriter();

        var result = Translator.TranslateRequest(EndpointKind.ChatCompletions, Encoding.UTF8.GetBytes("""{"model":"m","user":"u1","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"caf\u00e9 😀"}]}"""), "anthropic.claude", output);

        Assert.True(result.Succeeded, result.Error);
        using var body = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal("café 😀", body.RootElement.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("Be brief.", body.RootElement.GetProperty("system")[0].GetProperty("text").GetString());
        Assert.Equal("u1", body.RootElement.GetProperty("metadata").GetProperty("user_id").GetString());
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":5,"content":"r"}]}""", "messages[1].tool_call_id", "messages[1].tool_call_id must be a string, not a number")]
    [InlineData("""{"model":"m","max_completion_tokens":{},"messages":[{"role":"user","content":"hi"}]}""", "max_completion_tokens", "max_completion_tokens must be an integer, not an object")]
    [InlineData("""{"model":"m","user":5,"messages":[{"role":"user","content":"hi"}]}""", "user", "user must be a string, not a number")]
    [InlineData("""{"model":"m","stop":5,"messages":[{"role":"user","content":"hi"}]}""", "stop", "stop must be a string or an array of strings, not a number")]
    [InlineData("""{"model":"m","tools":"x","messages":[{"role":"user","content":"hi"}]}""", "tools", "tools must be an array, not a string")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":{"a":1}}}]}]}""", "messages[1].tool_calls[0].function.arguments", "messages[1].tool_calls[0].function.arguments must be a string (the arguments as JSON text), not an object")]
    public void TranslateRequest_WrongTypedField_IsMalformedNamingItAndTheTypes(string request, string param, string message)
    {
        using var output = new PooledBufferWriter();

        var result = Translator.TranslateRequest(EndpointKind.ChatCompletions, Encoding.UTF8.GetBytes(request), "anthropic.claude", output);

        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
        Assert.Equal(message, result.Error);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"a\ud83d"}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[{"role":"system","content":[{"type":"text","text":"\udc00"}]},{"role":"user","content":"hi"}]}""", "messages[0].content[0].text")]
    [InlineData("""{"model":"m","user":"u\ud800","messages":[{"role":"user","content":"hi"}]}""", "user")]
    [InlineData("""{"model":"m","stop":"\ud800","messages":[{"role":"user","content":"hi"}]}""", "stop")]
    [InlineData("""{"model":"m","reasoning_effort":"\ud800","messages":[{"role":"user","content":"hi"}]}""", "reasoning_effort")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function","function":{"name":"f\ud800","arguments":"{}"}}]}]}""", "messages[1].tool_calls[0].function.name")]
    public void TranslateRequest_TextThatCannotBeUnescaped_IsMalformedNamingTheField(string request, string param)
    {
        using var output = new PooledBufferWriter();

        var result = Translator.TranslateRequest(EndpointKind.ChatCompletions, Encoding.UTF8.GetBytes(request), "anthropic.claude", output);

        Assert.False(result.Succeeded);
        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
    }
}
