using System.Text;
using System.Text.Json;
using Sluice.Forwarding;

namespace Sluice.Json;

public sealed class JsonStringsTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("""caf\u00e9 \"q\" \\ \/ \b\f\n\r\t \\ud83d""")]
    [InlineData("""😀 \ud83d\ude00 \uD83D\uDE00 é""")]
    public void GetString_ReadableText_ReadsAsSystemTextJsonDoes(string escaped)
    {
        var json = Encoding.UTF8.GetBytes($"\"{escaped}\"");
        var reader = StringReader(json);
        var expected = reader.GetString();

        Assert.Equal(expected, JsonStrings.GetString(ref reader));
        Assert.Equal(expected, JsonStrings.Unescape(json.AsSpan(1, json.Length - 2)));
        Assert.Equal(expected, CopyString(json));
    }

    [Theory]
    [InlineData("""a\ud83d""", "a\uFFFD")]
    [InlineData("""\udc00b""", "\uFFFDb")]
    [InlineData("""\ud83d\ud83d\ude00""", "\uFFFD😀")]
    [InlineData("""\ude00\ud83d""", "\uFFFD\uFFFD")]
    [InlineData("""\ud83d\n\"x\"y""", "\uFFFD\n\"x\"y")]
    [InlineData("""\ud83d😀""", "\uFFFD😀")]
    public void GetString_LoneSurrogateEscape_ReadsItAsAReplacementCharacter(string escaped, string expected)
    {
        var json = Encoding.UTF8.GetBytes($"\"{escaped}\"");
        var reader = StringReader(json);
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, JsonStrings.GetString(ref reader));
        Assert.Equal(expected, JsonStrings.GetString(document.RootElement));
        Assert.Equal(expected, CopyString(json));
        Assert.Throws<InvalidOperationException>(() => document.RootElement.GetString()); // what System.Text.Json does
    }

    [Fact]
    public void GetString_InvalidUtf8_ReadsItAsAReplacementCharacter()
    {
        byte[] json = [(byte)'"', (byte)'a', 0xFF, (byte)'b', (byte)'"'];
        var reader = StringReader(json);

        Assert.Equal("a\uFFFDb", JsonStrings.GetString(ref reader));
        Assert.Equal("a\uFFFDb", CopyString(json)); // three bytes for one: longer than the raw value
    }

    [Fact]
    public void GetString_NotAString_ThrowsAsSystemTextJsonDoes()
    {
        using var document = JsonDocument.Parse("""{"n":1}""");
        using var jsonNull = JsonDocument.Parse("null");

        Assert.Null(JsonStrings.GetString(jsonNull.RootElement));
        Assert.Throws<InvalidOperationException>(() => JsonStrings.GetString(document.RootElement.GetProperty("n")));
    }

    [Theory]
    [InlineData("""{"model":1}""", true)]
    [InlineData("""{"mod\u0065l":1}""", true)]
    [InlineData("""{"\ud800":1}""", false)]
    [InlineData("""{"model\udc00":1}""", false)]
    [InlineData("""{"other":1}""", false)]
    public void TextEquals_PropertyName_IsFalseForTextThatCannotBeUnescaped(string json, bool expected)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        reader.Read();

        Assert.Equal(expected, JsonStrings.TextEquals(ref reader, "model"u8));
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"a\ud83d"}]}""", "messages[0].content")]
    [InlineData("""{"messages":[{"content":[{"type":"text","text":"ok"},{"type":"text","text":"\udc00"}]}]}""", "messages[0].content[1].text")]
    [InlineData("""{"a":[1,{"b":true},null,[2],"\ud800"]}""", "a[4]")]
    [InlineData("""{"stop":["x","y\ud800"]}""", "stop[1]")]
    [InlineData("""{"a":{"b":{},"\ud800":1}}""", """a.\ud800""")]
    [InlineData("""{"\udc00":1}""", """\udc00""")]
    [InlineData("""{"a":"\ud83d\ude00","b":[{"c":"caf\u00e9"}]}""", null)]
    [InlineData("""{"a":"fine", broken""", null)]
    public void FindUnreadable_NamesThePathOfTheFirstUnreadableString(string json, string? expected)
    {
        Assert.Equal(expected, JsonStrings.FindUnreadable(Encoding.UTF8.GetBytes(json)));
    }

    private static Utf8JsonReader StringReader(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return reader;
    }

    private static string CopyString(byte[] json)
    {
        var reader = StringReader(json);
        using var output = new PooledBufferWriter();
        JsonStrings.CopyString(ref reader, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
