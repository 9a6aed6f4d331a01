using System.Text.Json;

namespace Sluice.Translation;

public sealed class ProviderFieldsTests
{
    [Theory]
    [InlineData("""{"v":"x"}""", true)]
    [InlineData("""{"v":null}""", false)]
    [InlineData("""{"v":5}""", false)]
    [InlineData("""{}""", false)]
    [InlineData("""[]""", false)]
    public void TryGetString_OnlyAStringIsOne(string json, bool expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, ProviderFields.TryGetString(document.RootElement, "v", out var value));
        Assert.Equal(expected ? "x" : null, value);
    }

    [Theory]
    [InlineData("""{"v":"x"}""", true, "x")]
    [InlineData("""{"v":null}""", true, null)]
    [InlineData("""{}""", true, null)]
    [InlineData("""{"v":{}}""", false, null)]
    public void TryGetOptionalString_AbsentOrNullIsNull_AnotherKindIsFalse(string json, bool expected, string? expectedValue)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, ProviderFields.TryGetOptionalString(document.RootElement, "v", out var value));
        Assert.Equal(expectedValue, value);
    }

    [Theory]
    [InlineData("""{"v":12}""", true, 12)]
    [InlineData("""{}""", true, 0)]
    [InlineData("""{"v":null}""", true, 0)]
    [InlineData("""{"v":1.5}""", false, 0)]
    [InlineData("""{"v":1e30}""", false, 0)]
    [InlineData("""{"v":"12"}""", false, 0)]
    public void TryGetCount_AbsentIsZero_OnlyAWholeNumberIsACount(string json, bool expected, long expectedValue)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, ProviderFields.TryGetCount(document.RootElement, "v", out var value));
        Assert.Equal(expectedValue, value);
    }

    [Fact]
    public void RequiredString_HalfASurrogatePair_IsAReplacementCharacter()
    {
        using var document = JsonDocument.Parse("""{"v":"a\ud83d"}""");

        Assert.Equal("a\uFFFD", ProviderFields.RequiredString(document.RootElement, "v"));
    }

    [Theory]
    [InlineData("""{"v":5}""", "v must be a string, not a number")]
    [InlineData("""{}""", "v is required: a string")]
    public void RequiredString_NotAString_IsAFormatExceptionNamingTheField(string json, string message)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(message, Assert.Throws<FormatException>(() => ProviderFields.RequiredString(document.RootElement, "v")).Message);
    }

    [Fact]
    public void RequiredIndex_NotAWholeNumber_IsAFormatExceptionNamingTheField()
    {
        using var document = JsonDocument.Parse("""{"i":0.5}""");

        Assert.Equal("i must be an integer, not a number", Assert.Throws<FormatException>(() => ProviderFields.RequiredIndex(document.RootElement, "i")).Message);
    }
}
