using Sluice.Configuration.Parsing;

namespace Sluice.Configuration;

public sealed class ParsingTests
{
    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0", 0)]
    public void GoDuration_Parses(string text, double milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(milliseconds, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("60")]
    [InlineData("1d")]
    [InlineData("s")]
    public void GoDuration_RejectsNonsense(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData("50Mi", 50L * 1024 * 1024)]
    [InlineData("32Ki", 32L * 1024)]
    [InlineData("1G", 1_000_000_000L)]
    [InlineData("1048576", 1048576L)]
    public void Quantity_Parses(string text, long bytes)
    {
        Assert.True(Quantity.TryParseBytes(text, out var value));
        Assert.Equal(bytes, value);
    }
}
