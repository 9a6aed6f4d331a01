using System.Buffers;
using System.Text;

namespace Sluice.Simulator.Requests.Bedrock;

public class ConverseRequestParserTests
{
    [Fact]
    public void SystemAfterMessages_SeedsAsIfItCameFirst_LikeTheChatParser()
    {
        ConverseRequest systemLast = Parse("""{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"system":[{"text":"Be brief."}]}""");
        ConverseRequest systemFirst = Parse("""{"system":[{"text":"Be brief."}],"messages":[{"role":"user","content":[{"text":"Hi"}]}]}""");
        Assert.True(ChatCompletionRequestParser.TryParse(
            Body("""{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}"""),
            pathModel: null,
            out ChatCompletionRequest? chat,
            out _));

        Assert.Equal(chat!.Seed, systemLast.Seed);
        Assert.Equal(chat.Seed, systemFirst.Seed);
        Assert.Equal(chat.PromptTokens, systemLast.PromptTokens);
    }

    [Fact]
    public void ModelComesFromThePath_MaxTokensFromInferenceConfig_ToolResultsCount()
    {
        ConverseRequest request = Parse("""
            {"messages":[{"role":"user","content":[{"text":"a"},{"image":{"format":"png","source":{"bytes":"AA=="}}}]},
                         {"role":"assistant","content":[{"toolUse":{"toolUseId":"t","name":"f","input":{"text":"not counted"}}}]},
                         {"role":"user","content":[{"toolResult":{"toolUseId":"t","content":[{"text":"18C"}]}}]}],
             "inferenceConfig":{"maxTokens":7,"temperature":0.5},"additionalModelRequestFields":{"x":1}}
            """);

        Assert.Equal("us.amazon.nova-micro-v1:0", request.ModelId);
        Assert.Equal(7, request.MaxTokens);
        int expected = Generation.TokenCounter.Count("a") + Generation.TokenCounter.Count("18C") + (3 * 4) + 2;
        Assert.Equal(expected, request.PromptTokens);
    }

    [Theory]
    [InlineData("""{"messages":null}""", "messages")]
    [InlineData("""{"messages":{}}""", "messages")]
    [InlineData("""{"messages":[1]}""", "messages[0]")]
    [InlineData("""{"messages":[]}""", "messages")]
    [InlineData("""{"messages":[{}],"system":"s"}""", "system")]
    [InlineData("""{"messages":[{}],"inferenceConfig":{"maxTokens":"9"}}""", "inferenceConfig.maxTokens")]
    public void InvalidFields_NameTheParam(string json, string param)
    {
        Assert.False(ConverseRequestParser.TryParse(Body(json), "m", out _, out RequestError error));
        Assert.Equal(param, error.Param);
    }

    private static ConverseRequest Parse(string json)
    {
        Assert.True(ConverseRequestParser.TryParse(Body(json), "us.amazon.nova-micro-v1:0", out ConverseRequest? request, out RequestError error), error.Message);
        return request!;
    }

    private static ReadOnlySequence<byte> Body(string json) => new(Encoding.UTF8.GetBytes(json));
}
