using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Sluice.Simulator.Requests;

public class RequestJsonParserTests
{
    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{not json")]
    [InlineData("""{"model":"m"} trailing""")]
    [InlineData("""{"model":"m"} {}""")]
    [InlineData("""{"model":"m","x":""")]
    public void TryParse_MalformedBody_IsInvalidJsonAndNeverCreates(string json)
    {
        var fields = new RecordingFields(new List<string>());

        bool parsed = RequestJsonParser.TryParse(Body(json), fields, out RecordedRequest? request, out RequestError error);

        Assert.False(parsed);
        Assert.Null(request);
        Assert.Equal(RequestError.InvalidJson(), error);
        Assert.DoesNotContain("create", fields.Seen);
    }

    [Fact]
    public void TryParse_InvalidUtf8InModel_IsInvalidJson()
    {
        byte[] body = [.. "{\"model\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        bool parsed = RequestJsonParser.TryParse(
            new ReadOnlySequence<byte>(body), new RecordingFields(new List<string>()), out RecordedRequest? _, out RequestError error);

        Assert.False(parsed);
        Assert.Equal(RequestError.InvalidJson(), error);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"model":null}""")]
    [InlineData("""{"model":""}""")]
    [InlineData("""{"a":1,"model":null}""")]
    public void TryParse_NoModel_IsMissingModelAfterTheWholeBody(string json)
    {
        var fields = new RecordingFields(new List<string>());

        bool parsed = RequestJsonParser.TryParse(Body(json), fields, out RecordedRequest? _, out RequestError error);

        Assert.False(parsed);
        Assert.Equal(RequestError.MissingModel(), error);
        Assert.DoesNotContain("create", fields.Seen);
    }

    [Fact]
    public void TryParse_NullModelAfterAString_KeepsTheString()
    {
        Assert.True(RequestJsonParser.TryParse(
            Body("""{"model":"m","model":null}"""), new RecordingFields(new List<string>()), out RecordedRequest? request, out _));
        Assert.Equal("m", request.Model);
    }

    [Fact]
    public void TryParse_ModelOfWrongType_IsInvalidTypeForModel()
    {
        bool parsed = RequestJsonParser.TryParse(
            Body("""{"model":1}"""), new RecordingFields(new List<string>()), out RecordedRequest? _, out RequestError error);

        Assert.False(parsed);
        Assert.Equal(RequestError.InvalidType("model", "a string"), error);
    }

    [Fact]
    public void TryParse_OtherProperties_GoToTheFieldsInBodyOrder_ModelNever()
    {
        var fields = new RecordingFields(new List<string>());

        bool parsed = RequestJsonParser.TryParse(
            Body("""{"b":[1,{"c":2}],"model":"first","a":null,"model":"last"}"""), fields, out RecordedRequest? request, out _);

        Assert.True(parsed);
        Assert.Equal("last", request!.Model);
        Assert.Equal(["b", "a", "create"], fields.Seen);
    }

    [Fact]
    public void TryParse_FieldError_WinsOverAMalformedRest()
    {
        var fields = new RecordingFields(new List<string>());

        bool parsed = RequestJsonParser.TryParse(
            Body("""{"ok":1,"reject":1,"after":2} not json"""), fields, out RecordedRequest? _, out RequestError error);

        Assert.False(parsed);
        Assert.Equal(RecordingFields.Rejected, error);
        Assert.Equal(["ok", "reject"], fields.Seen);
    }

    [Fact]
    public void TryParse_AValidBodyAcrossSegments_Parses()
    {
        byte[] json = Encoding.UTF8.GetBytes("""{"model":"segmented","x":"abcdef"}""");
        ReadOnlySequence<byte> body = TwoSegments(json, json.Length / 2);

        Assert.True(RequestJsonParser.TryParse(body, new RecordingFields(new List<string>()), out RecordedRequest? request, out _));
        Assert.Equal("segmented", request.Model);
    }

    private static ReadOnlySequence<byte> Body(string json) => new(Encoding.UTF8.GetBytes(json));

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split), 0);
        Segment last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    internal sealed record RecordedRequest(string Model);

    /// <summary>Records what the shared parser hands it; "reject" is refused.</summary>
    private readonly struct RecordingFields(List<string> seen) : IRequestFields<RecordedRequest>
    {
        public static readonly RequestError Rejected = RequestError.InvalidValue("reject", "rejected");

        public List<string> Seen => seen;

        public bool TryReadProperty(ref Utf8JsonReader reader, out RequestError error)
        {
            seen.Add(reader.GetString()!);
            bool reject = reader.ValueTextEquals("reject"u8);
            reader.Skip();
            error = reject ? Rejected : default;
            return !reject;
        }

        public bool TryCreate(string model, [NotNullWhen(true)] out RecordedRequest? request, out RequestError error)
        {
            seen.Add("create");
            request = new RecordedRequest(model);
            error = default;
            return true;
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
