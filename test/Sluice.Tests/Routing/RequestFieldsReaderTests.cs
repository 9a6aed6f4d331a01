using System.Text;

namespace Sluice.Routing;

public sealed class RequestFieldsReaderTests
{
    [Theory]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", "gpt-4o", false)]
    [InlineData("""{"messages":[{"model":"nested"}],"stream":true,"model":"m"}""", "m", true)]
    [InlineData("""{ "stream" : false , "model" : "caf\u00e9" }""", "café", false)]
    public void TryRead_ValidBody_FindsModelAndStream(string json, string model, bool stream)
    {
        var error = RequestFieldsReader.TryRead(Encoding.UTF8.GetBytes(json), out var fields);

        Assert.Equal(RequestFieldsError.None, error);
        Assert.Equal(model, fields.Model);
        Assert.Equal(stream, fields.Stream);
    }

    [Theory]
    [InlineData("""{"model":"m","stream":"yes","stream_options":"x"}""", "Absent")]
    [InlineData("""{"model":"m","stream":1,"stream_options":5}""", "Absent")]
    [InlineData("""{"model":"m","stream":{"a":true},"stream_options":[true]}""", "Absent")]
    [InlineData("""{"model":"m","stream":null,"stream_options":null}""", "Absent")]
    [InlineData("""{"model":"m","stream":[true],"stream_options":{"include_usage":"yes"}}""", "WithoutUsage")]
    public void TryRead_WrongTypedStreamFields_AreNotStreamingAndLeftToTheUpstream(string json, string streamOptions)
    {
        var error = RequestFieldsReader.TryRead(Encoding.UTF8.GetBytes(json), out var fields);

        Assert.Equal(RequestFieldsError.None, error);
        Assert.False(fields.Stream);
        Assert.Equal(streamOptions, fields.StreamOptions.ToString());
    }

    [Theory]
    [InlineData("", "MalformedJson")]
    [InlineData("{\"model\":", "MalformedJson")]
    [InlineData("{\"model\":\"a\"} trailing", "MalformedJson")]
    [InlineData("[1,2]", "NotAnObject")]
    [InlineData("{\"messages\":[]}", "MissingModel")]
    [InlineData("{\"model\":\"\"}", "MissingModel")]
    [InlineData("{\"model\":42}", "ModelNotAString")]
    public void TryRead_BadBody_SaysWhy(string json, string expected)
    {
        Assert.Equal(expected, RequestFieldsReader.TryRead(Encoding.UTF8.GetBytes(json), out _).ToString());
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o\ud83d"}""")]
    [InlineData("""{"model":"\udc00","messages":[]}""")]
    public void TryRead_ModelWithALoneSurrogateEscape_IsModelNotUnicode(string json)
    {
        Assert.Equal(RequestFieldsError.ModelNotUnicode, RequestFieldsReader.TryRead(Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public void TryRead_ModelWithInvalidUtf8_IsModelNotUnicode()
    {
        byte[] json = [.. "{\"model\":\"gpt"u8, 0xFF, .. "\"}"u8];

        Assert.Equal(RequestFieldsError.ModelNotUnicode, RequestFieldsReader.TryRead(json, out _));
    }

    [Fact]
    public void TryRead_UnreadableNamesOfOtherFields_AreSkipped()
    {
        const string json = """{"\ud800":"x","model":"m","stream_options":{"\udc00":1,"include_usage":true},"stream":true,"messages":[{"content":"a\ud83d"}]}""";

        var error = RequestFieldsReader.TryRead(Encoding.UTF8.GetBytes(json), out var fields);

        Assert.Equal(RequestFieldsError.None, error);
        Assert.Equal(new RequestFields("m", true, StreamOptionsState.IncludesUsage), fields);
    }
}
