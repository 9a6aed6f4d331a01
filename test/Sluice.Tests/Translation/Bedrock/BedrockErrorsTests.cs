namespace Sluice.Translation.Bedrock;

public sealed class BedrockErrorsTests
{
    [Theory]
    [InlineData("""{"message":"Too many tokens"}""", "Too many tokens")]
    [InlineData("""{"Message":"bad input: \ud83d"}""", "bad input: \uFFFD")]
    [InlineData("""{"message\ud800":1,"message":"m"}""", "m")]
    [InlineData("""not json""", "not json")]
    public void MessageOf_ErrorBody_ReadsTheMessageWithUnreadableTextAsAReplacementCharacter(string body, string expected)
    {
        Assert.Equal(expected, BedrockErrors.MessageOf(System.Text.Encoding.UTF8.GetBytes(body)));
    }
}
