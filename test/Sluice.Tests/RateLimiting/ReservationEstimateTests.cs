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
}
