using System.Text.Json;

namespace Sluice.Json;

public sealed class JsonKindsTests
{
    [Theory]
    [InlineData("""{"v":{}}""", "an object")]
    [InlineData("""{"v":[]}""", "an array")]
    [InlineData("""{"v":"x"}""", "a string")]
    [InlineData("""{"v":1.5}""", "a number")]
    [InlineData("""{"v":false}""", "a boolean")]
    [InlineData("""{"v":null}""", "null")]
    [InlineData("""{}""", "missing")]
    public void Describe_EachKind_HasItsWords(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, JsonKinds.Describe(document.RootElement.TryGetProperty("v", out var value) ? value : default));
    }

    [Fact]
    public void Mismatch_WrongKind_SaysWhatWasExpectedAndFound()
    {
        using var document = JsonDocument.Parse("5");

        Assert.Equal("messages[1].tool_call_id must be a string, not a number", JsonKinds.Mismatch("messages[1].tool_call_id", "a string", document.RootElement));
    }

    [Fact]
    public void Mismatch_Absent_SaysItIsRequired() =>
        Assert.Equal("messages[1].tool_call_id is required: a string", JsonKinds.Mismatch("messages[1].tool_call_id", "a string", default));
}
