using System.Text.Json;
using Sluice.Forwarding;

namespace Sluice.Translation.Chat;

public sealed class ChatRequestFieldsTests
{
    [Theory]
    [InlineData("""{"model":"m","messages":{"role":"user","content":"hi"}}""", "messages", "messages must be an array, not an object")]
    [InlineData("""{"model":"m","messages":"hi"}""", "messages", "messages must be an array, not a string")]
    [InlineData("""{"model":"m","messages":null}""", "messages", "messages must be an array, not null")]
    [InlineData("""{"model":"m"}""", "messages", "messages is required: an array")]
    [InlineData("""{"model":"m","tools":"x","messages":[]}""", "tools", "tools must be an array, not a string")]
    [InlineData("""{"model":"m","stream":"yes","messages":[]}""", "stream", "stream must be a boolean, not a string")]
    [InlineData("""{"model":"m","stream":1,"messages":[]}""", "stream", "stream must be a boolean, not a number")]
    [InlineData("""{"model":"m","stream_options":"x","messages":[]}""", "stream_options", "stream_options must be an object, not a string")]
    [InlineData("""{"model":"m","thinking":"x","messages":[]}""", "thinking", "thinking must be an object, not a string")]
    [InlineData("""{"model":"m","reasoning_effort":5,"messages":[]}""", "reasoning_effort", "reasoning_effort must be a string, not a number")]
    [InlineData("""{"model":"m","user":{},"messages":[]}""", "user", "user must be a string, not an object")]
    [InlineData("""{"model":"m","temperature":"hot","messages":[]}""", "temperature", "temperature must be a number, not a string")]
    [InlineData("""{"model":"m","top_p":[],"messages":[]}""", "top_p", "top_p must be a number, not an array")]
    [InlineData("""{"model":"m","max_tokens":"10","messages":[]}""", "max_tokens", "max_tokens must be an integer, not a string")]
    [InlineData("""{"model":"m","max_completion_tokens":1.5,"messages":[]}""", "max_completion_tokens", "max_completion_tokens must be an integer, not a number")]
    [InlineData("""{"model":"m","max_tokens":1e30,"messages":[]}""", "max_tokens", "max_tokens must be an integer, not a number")]
    [InlineData("""{"model":"m","stop":5,"messages":[]}""", "stop", "stop must be a string or an array of strings, not a number")]
    [InlineData("""{"model":"m","tool_choice":5,"messages":[]}""", "tool_choice", "tool_choice must be a string or an object, not a number")]
    [InlineData("""{"model":"m","n":"1","messages":[]}""", "n", "n must be a number, not a string")]
    [InlineData("""{"model":"m","response_format":"text","messages":[]}""", "response_format", "response_format must be an object, not a string")]
    [InlineData("""{"model":"m","response_format":{},"messages":[]}""", "response_format.type", "response_format.type is required: a string")]
    [InlineData("""{"model":"m","response_format":{"type":5},"messages":[]}""", "response_format.type", "response_format.type must be a string, not a number")]
    public void CheckSupported_WrongTypedOrMissingField_IsMalformedNamingIt(string request, string param, string message)
    {
        var result = Check(request);

        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
        Assert.Equal(message, result.Error);
    }

    [Theory]
    [InlineData("""{"model":"m","n":2,"messages":[]}""", "n")]
    [InlineData("""{"model":"m","response_format":{"type":"json_object"},"messages":[]}""", "response_format")]
    [InlineData("""{"model":"m","logprobs":"not even a boolean","messages":[]}""", "logprobs")]
    public void CheckSupported_FieldWithNoEquivalent_IsUntranslatable(string request, string param)
    {
        var result = Check(request);

        Assert.Equal(GatewayError.Untranslatable, result.Kind);
        Assert.Equal(param, result.Param);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[],"stream":null,"stream_options":null,"temperature":null,"max_tokens":null,"tools":null,"stop":null,"user":null}""")]
    [InlineData("""{"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true},"temperature":0.5,"top_p":1,"max_tokens":10,"max_completion_tokens":20,"stop":["a"],"tools":[],"tool_choice":"auto","reasoning_effort":"low","thinking":{},"user":"u","n":1,"response_format":{"type":"text"},"metadata":{},"store":false,"parallel_tool_calls":true}""")]
    public void CheckSupported_EveryFieldOfItsTypeOrNull_Succeeds(string request) =>
        Assert.True(Check(request).Succeeded);

    private static TranslationResult Check(string request)
    {
        using var document = JsonDocument.Parse(request);
        return ChatRequestFields.CheckSupported(document.RootElement, "AWS Bedrock Converse");
    }
}
