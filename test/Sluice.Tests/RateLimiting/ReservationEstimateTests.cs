namespace Sluice.RateLimiting;

public sealed class ReservationEstimateTests
{
    [Fact]
    public void For_LoneSurrogateEscapeInThePrompt_CountsItAsAReplacementCharacter()
    {
        var estimate = ReservationEstimate.For("""{"model":"m","messages":[{"role":"user","content":"caf\u00e9 a\ud800b"}]}"""u8, 100);

        Assert.Equal(ReservationEstimate.For("""{"model":"m","messages":[{"role":"user","content":"café a\ufffdb"}]}"""u8, 100), estimate);
        Assert.True(estimate.InputTokens > 0);
    }

    [Fact]
    public void For_UnreadableTopLevelNames_StillCountThePromptAndFindTheBound()
    {
        var estimate = ReservationEstimate.For("""{"\ud800":1,"model":"m","\udc00":{"a":"\ud800"},"max_tokens":7,"messages":[{"role":"user","content":"hello there"}]}"""u8, 100);

        Assert.Equal(ReservationEstimate.For("""{"model":"m","max_tokens":7,"messages":[{"role":"user","content":"hello there"}]}"""u8, 100), estimate);
        Assert.Equal(7, estimate.OutputTokens);
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":"10"}""")]
    [InlineData("""{"model":"m","max_completion_tokens":{"n":10},"max_output_tokens":[10]}""")]
    [InlineData("""{"model":"m","max_tokens":1.5}""")]
    [InlineData("""{"model":"m","max_tokens":1e30}""")]
    [InlineData("""{"model":"m","max_tokens":-1}""")]
    [InlineData("""{"model":"m","max_tokens":null}""")]
    public void MaxOutputTokens_NotAWholeNonNegativeNumber_IsNoBound(string body) =>
        Assert.Null(ReservationEstimate.MaxOutputTokens(System.Text.Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("""{"model":"m","messages":5,"max_tokens":"x"}""")]
    [InlineData("""{"model":"m","messages":{"role":"user","content":{"text":7}},"prompt":[[1,2]],"input":null}""")]
    public void For_WrongTypedPromptAndBound_IsAnEstimateWithTheDefaultBound(string body)
    {
        var estimate = ReservationEstimate.For(System.Text.Encoding.UTF8.GetBytes(body), 100);

        Assert.Equal(100, estimate.OutputTokens);
        Assert.InRange(estimate.InputTokens, 0, 5); // only the strings under messages count
    }
}
