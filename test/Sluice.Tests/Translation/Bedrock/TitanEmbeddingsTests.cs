using System.Text;

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
}
