using System.Buffers;
using System.Text;

namespace Sluice.Simulator.Requests;

/// <summary>The endpoint-specific halves: each parser's own fields, on top of the shared object/model rules.</summary>
public class RequestParserTests
{
    [Fact]
    public void Chat_StreamFields_AreReadAndUnknownsSkipped()
    {
        bool parsed = ChatCompletionRequestParser.TryParse(
            Body("""{"stream":true,"x":{"y":[1]},"stream_options":{"z":0,"include_usage":true},"model":"m","messages":[{"content":"hi"}],"max_tokens":9,"max_completion_tokens":4}"""),
            pathModel: null,
            out ChatCompletionRequest? request,
            out _);

        Assert.True(parsed);
        Assert.True(request!.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal(4, request.MaxTokens);
        Assert.Equal("m", request.Model);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"m","messages":[{}],"stream_options":[]}""", "stream_options")]
    [InlineData("""{"model":"m","messages":[{}],"stream_options":{"include_usage":1}}""", "stream_options.include_usage")]
    [InlineData("""{"model":"m","messages":[{}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"m","messages":null}""", "messages")]
    [InlineData("""{"model":"m","messages":[]}""", "messages")]
    [InlineData("""{"model":"m","messages":[1]}""", "messages[0]")]
    public void Chat_InvalidFields_NameTheParam(string json, string param)
    {
        Assert.False(ChatCompletionRequestParser.TryParse(Body(json), pathModel: null, out _, out RequestError error));
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void Completion_MaxTokensZero_IsAllowed_AndStreamFieldsAreShared()
    {
        bool parsed = CompletionRequestParser.TryParse(
            Body("""{"model":"m","prompt":["a",[1,2]],"max_tokens":0,"stream":true,"stream_options":{"include_usage":true}}"""),
            pathModel: null,
            out CompletionRequest? request,
            out _);

        Assert.True(parsed);
        Assert.Equal(0, request!.MaxTokens);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal(2, request.Prompts.Count);
        Assert.Equal(request.Prompts[0].Tokens + 2, request.PromptTokens);
    }

    [Theory]
    [InlineData("""{"model":"m"}""", "prompt", "missing_required_parameter")]
    [InlineData("""{"model":"m","prompt":null}""", "prompt", "invalid_type")]
    [InlineData("""{"model":"m","prompt":"a","stream":1}""", "stream", "invalid_type")]
    public void Completion_InvalidFields_NameTheParam(string json, string param, string code)
    {
        Assert.False(CompletionRequestParser.TryParse(Body(json), pathModel: null, out _, out RequestError error));
        Assert.Equal(param, error.Param);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void Embedding_IgnoresStreamFields_AndDefaultsDimensions()
    {
        bool parsed = EmbeddingRequestParser.TryParse(
            Body("""{"model":"m","input":"hi","stream":"not a bool","stream_options":1}"""),
            pathModel: null,
            out EmbeddingRequest? request,
            out _);

        Assert.True(parsed);
        Assert.Equal(EmbeddingRequest.DefaultDimensions, request!.Dimensions);
        Assert.False(request.Base64);
        Assert.Single(request.Inputs);
    }

    [Theory]
    [InlineData("""{"model":"m"}""", "input", "missing_required_parameter")]
    [InlineData("""{"model":"m","encoding_format":"int8"}""", "input", "missing_required_parameter")]
    [InlineData("""{"model":"m","input":"x","encoding_format":"int8"}""", "encoding_format", "invalid_value")]
    [InlineData("""{"model":"m","input":"x","dimensions":8193}""", "dimensions", "integer_above_max_value")]
    public void Embedding_InvalidFields_NameTheParam(string json, string param, string code)
    {
        Assert.False(EmbeddingRequestParser.TryParse(Body(json), pathModel: null, out _, out RequestError error));
        Assert.Equal(param, error.Param);
        Assert.Equal(code, error.Code);
    }

    private static ReadOnlySequence<byte> Body(string json) => new(Encoding.UTF8.GetBytes(json));
}
