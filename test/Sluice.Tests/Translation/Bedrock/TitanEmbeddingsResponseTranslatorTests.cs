using System.Text;
using System.Text.Json;
using Sluice.Forwarding;

namespace Sluice.Translation.Bedrock;

public sealed class TitanEmbeddingsResponseTranslatorTests
{
    [Theory]
    [InlineData("""{"embedding":["x"],"inputTextTokenCount":1}""", true)]
    [InlineData("""{"embedding":[{}],"inputTextTokenCount":1}""", false)]
    [InlineData("""{"embedding":[0.5,null],"inputTextTokenCount":1}""", false)]
    [InlineData("""{"embedding":[0.5],"inputTextTokenCount":1.5}""", true)]
    [InlineData("""{"embedding":[0.5],"inputTextTokenCount":"1"}""", false)]
    public void TranslateBody_EmbeddingOrCountOfTheWrongType_IsNotTheExpectedBody(string body, bool base64)
    {
        using var translator = new TitanEmbeddingsResponseTranslator("titan", base64);
        using var output = new PooledBufferWriter();

        Assert.False(translator.TranslateBody(Encoding.UTF8.GetBytes(body), output));
    }

    [Theory]
    [InlineData(false, """[0.5,-1]""")]
    [InlineData(true, "\"AAAAPwAAgL8=\"")]
    public void TranslateBody_NumbersAndAWholeCount_AreTheEmbeddingsList(bool base64, string embedding)
    {
        using var translator = new TitanEmbeddingsResponseTranslator("titan", base64);
        using var output = new PooledBufferWriter();

        Assert.True(translator.TranslateBody("""{"embedding":[0.5,-1],"inputTextTokenCount":3}"""u8.ToArray(), output));
        using var json = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal(embedding, json.RootElement.GetProperty("data")[0].GetProperty("embedding").GetRawText());
        Assert.Equal(3, json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }
}
