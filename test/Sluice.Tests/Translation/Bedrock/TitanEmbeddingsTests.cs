using System.Text;
using System.Text.Json;
using Sluice.Forwarding;

namespace Sluice.Translation.Bedrock;

public sealed class TitanEmbeddingsTests
{
    [Theory]
    [InlineData("""{"model":"m","input":"x","encoding_format":"base64"}""", true)]
    [InlineData("""{"model":"m","input":"x","encoding_format":"float"}""", false)]
    [InlineData("""{"encoding_format\ud800":1,"model":"m","input":"x","encoding_format":"base64"}""", true)]
    [InlineData("""{"model":"m","input":"x","encoding_format":"base64\ud800"}""", false)]
    public void WantsBase64_UnreadableText_IsNoMatchRatherThanAnException(string request, bool expected)
    {
        Assert.Equal(expected, TitanEmbeddings.WantsBase64(Encoding.UTF8.GetBytes(request)));
    }

    [Theory]
    [InlineData("""{"model":"m","input":5}""", "input", "input must be a string or an array, not a number")]
    [InlineData("""{"model":"m","input":{}}""", "input", "input must be a string or an array, not an object")]
    [InlineData("""{"model":"m","input":null}""", "input", "input must be a string or an array, not null")]
    [InlineData("""{"model":"m"}""", "input", "input is required: a string or an array")]
    [InlineData("""{"model":"m","input":"x","encoding_format":5}""", "encoding_format", "encoding_format must be a string, not a number")]
    [InlineData("""{"model":"m","input":"x","dimensions":"256"}""", "dimensions", "dimensions must be an integer, not a string")]
    [InlineData("""{"model":"m","input":"x","dimensions":2.5}""", "dimensions", "dimensions must be an integer, not a number")]
    public void WriteRequest_WrongTypedOrMissingField_IsMalformedNamingIt(string request, string param, string message)
    {
        var result = Write(request, out _);

        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
        Assert.Equal(message, result.Error);
    }

    [Theory]
    [InlineData("""{"model":"m","input":["a","b"]}""", "input")]
    [InlineData("""{"model":"m","input":[[1,2]]}""", "input")]
    [InlineData("""{"model":"m","input":"x","encoding_format":"int8"}""", "encoding_format")]
    public void WriteRequest_WellTypedButNotForTitan_IsUntranslatable(string request, string param)
    {
        var result = Write(request, out _);

        Assert.Equal(GatewayError.Untranslatable, result.Kind);
        Assert.Equal(param, result.Param);
    }

    [Fact]
    public void WriteRequest_InputArrayOfOneAndDimensions_IsTheTitanBody()
    {
        Assert.True(Write("""{"model":"m","input":["hi"],"dimensions":256,"encoding_format":null}""", out var titan).Succeeded);
        Assert.Equal("""{"inputText":"hi","dimensions":256}""", titan);
    }

    private static TranslationResult Write(string request, out string written)
    {
        using var document = JsonDocument.Parse(request);
        using var output = new PooledBufferWriter();
        TranslationResult result;
        using (var writer = new Utf8JsonWriter(output))
        {
            result = TitanEmbeddings.WriteRequest(document.RootElement, writer);
        }

        written = Encoding.UTF8.GetString(output.WrittenSpan);
        return result;
    }
}
