using System.Text.Json;
using Sluice.Forwarding;

namespace Sluice.Translation.Chat;

public sealed class ChatMessagePartsTests
{
    [Theory]
    [InlineData("5", "stop", "stop must be a string or an array of strings, not a number")]
    [InlineData("{}", "stop", "stop must be a string or an array of strings, not an object")]
    [InlineData("""["a",5]""", "stop[1]", "stop[1] must be a string, not a number")]
    [InlineData("""[null]""", "stop[0]", "stop[0] must be a string, not null")]
    public void StopSequences_WrongTyped_IsMalformedNamingIt(string stop, string param, string message)
    {
        using var document = JsonDocument.Parse(stop);

        var result = ChatMessageParts.StopSequences(document.RootElement, out var sequences);

        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
        Assert.Equal(message, result.Error);
        Assert.Null(sequences);
    }

    [Theory]
    [InlineData("\"END\"", new[] { "END" })]
    [InlineData("""["a","b"]""", new[] { "a", "b" })]
    [InlineData("null", null)]
    public void StopSequences_StringArrayOrNull_AreTheSequences(string stop, string[]? expected)
    {
        using var document = JsonDocument.Parse(stop);

        Assert.True(ChatMessageParts.StopSequences(document.RootElement, out var sequences).Succeeded);
        Assert.Equal(expected, sequences);
    }
}
