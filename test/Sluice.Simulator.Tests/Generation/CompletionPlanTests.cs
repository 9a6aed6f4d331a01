using Sluice.Simulator.Generation;

namespace Sluice.Simulator.Generation;

public class CompletionPlanTests
{
    [Theory]
    [InlineData(24, null, 24, false)]
    [InlineData(24, 100, 24, false)]
    [InlineData(24, 24, 24, false)]
    [InlineData(24, 5, 5, true)]
    [InlineData(24, 0, 0, true)]
    public void Create_MaxTokensCutsTheNaturalLength(int natural, int? maxTokens, int expectedTokens, bool truncated)
    {
        var plan = CompletionPlan.Create(natural, maxTokens);
        Assert.Equal(expectedTokens, plan.Tokens);
        Assert.Equal(truncated, plan.Truncated);
    }
}
