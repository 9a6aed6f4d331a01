using System.Text.Json;
using Sluice.Forwarding;
using Sluice.Translation;
using Sluice.Translation.Bedrock;

namespace Sluice.Translation;

public sealed class ConverseRequestWriterTests
{
    private static readonly BedrockTranslator Translator = new(TimeProvider.System);

    [Fact]
    public void MaxCompletionTokens_WinsOverMaxTokens_AndStopMayBeAString()
    {
        var converse = Translate("""{"model":"m","max_tokens":10,"max_completion_tokens":20,"stop":"END","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal("""{"maxTokens":20,"stopSequences":["END"]}""", converse.GetProperty("inferenceConfig").GetRawText());
    }

    [Fact]
    public void NoSamplingFields_NoInferenceConfig_AndNoSystem()
    {
        var converse = Translate("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}""");

        Assert.False(converse.TryGetProperty("inferenceConfig", out _));
        Assert.False(converse.TryGetProperty("system", out _));
        Assert.Equal("""[{"text":"a"},{"text":"b"}]""", converse.GetProperty("messages")[0].GetProperty("content").GetRawText());
    }

    [Fact]
    public void AssistantText_AndEmptyToolArguments_AreKept()
    {
        var converse = Translate("""
            {"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"Calling.","tool_calls":[{"id":"t1","type":"function","function":{"name":"now","arguments":""}}]},{"role":"tool","tool_call_id":"t1","content":[{"type":"text","text":"noon"}]}]}
            """);

        Assert.Equal("""{"role":"assistant","content":[{"text":"Calling."},{"toolUse":{"toolUseId":"t1","name":"now","input":{}}}]}""", converse.GetProperty("messages")[1].GetRawText());
        Assert.Equal("noon", converse.GetProperty("messages")[2].GetProperty("content")[0].GetProperty("toolResult").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "medium", """{"thinking":{"type":"enabled","budget_tokens":4096}}""")]
    [InlineData("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "high", """{"thinking":{"type":"enabled","budget_tokens":16384}}""")]
    [InlineData("us.amazon.nova-2-lite-v1:0", "low", """{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"low"}}""")]
    public void ReasoningEffort_BecomesTheModelFamilysReasoningField(string model, string effort, string expected)
    {
        var converse = Translate($$"""{"model":"m","reasoning_effort":"{{effort}}","messages":[{"role":"user","content":"hi"}]}""", model);

        Assert.Equal(expected, converse.GetProperty("additionalModelRequestFields").GetRawText());
    }

    [Fact]
    public void Thinking_PassesAsGiven()
    {
        var converse = Translate("""{"model":"m","thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"hi"}]}""", "anthropic.claude");

        Assert.Equal("""{"thinking":{"type":"enabled","budget_tokens":2048}}""", converse.GetProperty("additionalModelRequestFields").GetRawText());
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"critic","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}""", "messages[1].tool_calls[0].function.arguments")]
    [InlineData("""{"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,AA=="}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"m","reasoning_effort":"extreme","messages":[{"role":"user","content":"x"}]}""", "reasoning_effort")]
    [InlineData("""{"model":"m","tools":[{"type":"web_search"}],"messages":[{"role":"user","content":"x"}]}""", "tools[0]")]
    [InlineData("""{"model":"m","response_format":{"type":"json_object"},"messages":[{"role":"user","content":"x"}]}""", "response_format")]
    public void Unmappable_NamesTheField(string request, string param)
    {
        using var output = new PooledBufferWriter();

        var result = Translator.TranslateRequest(EndpointKind.ChatCompletions, System.Text.Encoding.UTF8.GetBytes(request), "us.amazon.nova-micro-v1:0", output);

        Assert.False(result.Succeeded);
        Assert.Equal(GatewayError.Untranslatable, result.Kind);
        Assert.Equal(param, result.Param);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":"hi"}""", "messages", "messages must be an array, not a string")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":5,"content":"r"}]}""", "messages[1].tool_call_id", "messages[1].tool_call_id must be a string, not a number")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":{}}]}]}""", "messages[0].content[0].text", "messages[0].content[0].text must be a string, not an object")]
    [InlineData("""{"model":"m","max_tokens":"10","messages":[{"role":"user","content":"hi"}]}""", "max_tokens", "max_tokens must be an integer, not a string")]
    [InlineData("""{"model":"m","temperature":"hot","messages":[{"role":"user","content":"hi"}]}""", "temperature", "temperature must be a number, not a string")]
    [InlineData("""{"model":"m","stop":["a",5],"messages":[{"role":"user","content":"hi"}]}""", "stop[1]", "stop[1] must be a string, not a number")]
    [InlineData("""{"model":"m","reasoning_effort":{},"messages":[{"role":"user","content":"hi"}]}""", "reasoning_effort", "reasoning_effort must be a string, not an object")]
    [InlineData("""{"model":"m","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":5}},"messages":[{"role":"user","content":"hi"}]}""", "tool_choice.function.name", "tool_choice.function.name must be a string, not a number")]
    [InlineData("""{"model":"m","response_format":{"type":5},"messages":[{"role":"user","content":"hi"}]}""", "response_format.type", "response_format.type must be a string, not a number")]
    public void TranslateRequest_WrongTypedField_IsMalformedNamingItAndTheTypes(string request, string param, string message)
    {
        using var output = new PooledBufferWriter();

        var result = Translator.TranslateRequest(EndpointKind.ChatCompletions, System.Text.Encoding.UTF8.GetBytes(request), "us.amazon.nova-micro-v1:0", output);

        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
        Assert.Equal(message, result.Error);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"a\ud83d"}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"ok"},{"type":"text","text":"\udc00"}]}]}""", "messages[0].content[1].text")]
    [InlineData("""{"model":"m","messages":[{"role":"developer","content":"x\ud800"},{"role":"user","content":"hi"}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[{"role":"user\ud800","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"","tool_calls":[{"id":"t\ud800","type":"function","function":{"name":"f","arguments":"{}"}}]}]}""", "messages[1].tool_calls[0].id")]
    [InlineData("""{"model":"m","messages":[{"role":"tool","tool_call_id":"t1","content":[{"type":"text","text":"\ud800"}]}]}""", "messages[0].content[0].text")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi","\ud800":1}]}""", """messages[0].\ud800""")]
    [InlineData("""{"model":"m","\ud800":1,"messages":[{"role":"user","content":"hi"}]}""", """\ud800""")]
    [InlineData("""{"model":"m","stop":["a","\ud800"],"messages":[{"role":"user","content":"hi"}]}""", "stop[1]")]
    [InlineData("""{"model":"m","reasoning_effort":"\ud800","messages":[{"role":"user","content":"hi"}]}""", "reasoning_effort")]
    [InlineData("""{"model":"m","thinking":{"type":"enabled","note":"\ud800"},"messages":[{"role":"user","content":"hi"}]}""", "thinking.note")]
    [InlineData("""{"model":"m","tools":[{"type":"function","function":{"name":"f","description":"d\ud800"}}],"messages":[{"role":"user","content":"hi"}]}""", "tools[0].function.description")]
    [InlineData("""{"model":"m","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"\ud800"}},"messages":[{"role":"user","content":"hi"}]}""", "tool_choice.function.name")]
    public void TranslateRequest_TextThatCannotBeUnescaped_IsMalformedNamingTheField(string request, string param)
    {
        using var output = new PooledBufferWriter();

        var result = Translator.TranslateRequest(EndpointKind.ChatCompletions, System.Text.Encoding.UTF8.GetBytes(request), "us.anthropic.claude-3-7-sonnet-20250219-v1:0", output);

        Assert.False(result.Succeeded);
        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
        Assert.StartsWith(param + " is not valid Unicode text", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"m","input":"a\ud83d"}""", "input")]
    [InlineData("""{"model":"m","input":["\udc00"]}""", "input[0]")]
    [InlineData("""{"model":"m","encoding_format":"\udc00","input":"x"}""", "encoding_format")]
    public void TranslateRequest_EmbeddingsTextThatCannotBeUnescaped_IsMalformedNamingTheField(string request, string param)
    {
        using var output = new PooledBufferWriter();

        var result = Translator.TranslateRequest(EndpointKind.Embeddings, System.Text.Encoding.UTF8.GetBytes(request), "amazon.titan-embed-text-v2:0", output);

        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
    }

    [Theory]
    [InlineData("us.amazon.nova-micro-v1:0", false, "/model/us.amazon.nova-micro-v1%3A0/converse")]
    [InlineData("us.amazon.nova-micro-v1:0", true, "/model/us.amazon.nova-micro-v1%3A0/converse-stream")]
    [InlineData("arn:aws:bedrock:us-east-1:1:inference-profile/x", false, "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/converse")]
    public void Paths_EscapeTheModelIdAsOneSegment(string model, bool stream, string expected) =>
        Assert.Equal(expected, Translator.BuildPathAndQuery(EndpointKind.ChatCompletions, model, stream));

    private static JsonElement Translate(string request, string model = "us.amazon.nova-micro-v1:0")
    {
        using var output = new PooledBufferWriter();
        var result = Translator.TranslateRequest(EndpointKind.ChatCompletions, System.Text.Encoding.UTF8.GetBytes(request), model, output);
        Assert.True(result.Succeeded, result.Error);
        return JsonDocument.Parse(output.WrittenMemory.ToArray()).RootElement.Clone();
    }
}
