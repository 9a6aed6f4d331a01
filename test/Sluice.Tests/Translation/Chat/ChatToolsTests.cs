using System.Text.Json;
using Sluice.Forwarding;

namespace Sluice.Translation.Chat;

public sealed class ChatToolsTests
{
    [Theory]
    [InlineData("""{}""", "tools", "tools must be an array, not an object")]
    [InlineData("""[5]""", "tools[0]", "tools[0] must be an object, not a number")]
    [InlineData("""[{}]""", "tools[0].type", "tools[0].type is required: a string")]
    [InlineData("""[{"type":5}]""", "tools[0].type", "tools[0].type must be a string, not a number")]
    [InlineData("""[{"type":"function"}]""", "tools[0].function", "tools[0].function is required: an object")]
    [InlineData("""[{"type":"function","function":"f"}]""", "tools[0].function", "tools[0].function must be an object, not a string")]
    [InlineData("""[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":5}}]""", "tools[1].function.name", "tools[1].function.name must be a string, not a number")]
    [InlineData("""[{"type":"function","function":{"name":"f","description":5}}]""", "tools[0].function.description", "tools[0].function.description must be a string, not a number")]
    [InlineData("""[{"type":"function","function":{"name":"f","parameters":"x"}}]""", "tools[0].function.parameters", "tools[0].function.parameters must be an object (a JSON schema), not a string")]
    public void ReadTools_WrongTypedOrMissingField_IsMalformedNamingIt(string tools, string param, string message)
    {
        using var document = JsonDocument.Parse(tools);

        var result = ChatTools.ReadTools(document.RootElement, []);

        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
        Assert.Equal(message, result.Error);
    }

    [Fact]
    public void ReadTools_AnotherKindOfTool_IsUntranslatable()
    {
        using var document = JsonDocument.Parse("""[{"type":"function","function":{"name":"f"}},{"type":"web_search"}]""");

        var result = ChatTools.ReadTools(document.RootElement, []);

        Assert.Equal(GatewayError.Untranslatable, result.Kind);
        Assert.Equal("tools[1]", result.Param);
    }

    [Fact]
    public void ReadTools_NullDescriptionAndParameters_AreLeftOut()
    {
        using var document = JsonDocument.Parse("""[{"type":"function","function":{"name":"f","description":null,"parameters":null}}]""");
        var tools = new List<ChatTool>();

        Assert.True(ChatTools.ReadTools(document.RootElement, tools).Succeeded);
        Assert.Equal(new ChatTool("f", null, """{"type":"object","properties":{}}"""), Assert.Single(tools));
    }

    [Theory]
    [InlineData("""5""", "tool_choice", "tool_choice must be a string or an object, not a number")]
    [InlineData("""[]""", "tool_choice", "tool_choice must be a string or an object, not an array")]
    [InlineData("""{}""", "tool_choice.type", "tool_choice.type is required: a string")]
    [InlineData("""{"type":5}""", "tool_choice.type", "tool_choice.type must be a string, not a number")]
    [InlineData("""{"type":"function"}""", "tool_choice.function", "tool_choice.function is required: an object")]
    [InlineData("""{"type":"function","function":{"name":5}}""", "tool_choice.function.name", "tool_choice.function.name must be a string, not a number")]
    public void ReadChoice_WrongTypedOrMissingField_IsMalformedNamingIt(string choice, string param, string message)
    {
        using var document = JsonDocument.Parse(choice);

        var result = ChatTools.ReadChoice(document.RootElement, out _, out _);

        Assert.Equal(GatewayError.MalformedRequest, result.Kind);
        Assert.Equal(param, result.Param);
        Assert.Equal(message, result.Error);
    }

    [Theory]
    [InlineData("\"sometimes\"")]
    [InlineData("""{"type":"allowed_tools"}""")]
    public void ReadChoice_WellTypedButUnknown_IsUntranslatable(string choice)
    {
        using var document = JsonDocument.Parse(choice);

        Assert.Equal(GatewayError.Untranslatable, ChatTools.ReadChoice(document.RootElement, out _, out _).Kind);
    }
}
