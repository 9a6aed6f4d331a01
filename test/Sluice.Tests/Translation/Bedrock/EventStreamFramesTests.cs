using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Amazon.Runtime.EventStreams;
using Sluice.TestSupport;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// The hand-written event-stream decoder against frames encoded by the AWS SDK (<see cref="EventStreamMessage"/>),
/// split across reads anywhere, and against every kind of corruption.
/// </summary>
public sealed class EventStreamFramesTests
{
    private static readonly DateTime Timestamp = new(2026, 11, 24, 10, 30, 15, 250, DateTimeKind.Utc);
    private static readonly Guid Uuid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Fact]
    public void TryReadFrame_SdkFrameWithEveryHeaderType_GivesTheSdksHeadersAndPayload()
    {
        var encoded = BedrockFrames.Frame(EveryHeaderType(), """{"hello":"world"}""");
        var expected = EventStreamMessage.FromBuffer(encoded, 0, encoded.Length);
        using var frames = new EventStreamFrames();
        var read = (ReadOnlySpan<byte>)encoded;

        Assert.True(frames.TryReadFrame(ref read, out var frame, out var error));

        Assert.Null(error);
        Assert.True(read.IsEmpty);
        Assert.Equal("""{"hello":"world"}"""u8.ToArray(), frame.Payload.ToArray());
        var names = new List<string>();
        foreach (var header in frame.Headers)
        {
            var name = Encoding.UTF8.GetString(header.Name);
            names.Add(name);
            var sdk = expected.Headers[name];
            Assert.Equal((byte)sdk.HeaderType, (byte)header.Type);
            Assert.Equal(SdkHeaderBytes(sdk), HeaderBytes(header));
        }

        Assert.Equal([.. expected.Headers.Keys], names);
        Assert.True(frame.TryGetString("string"u8, out var text));
        Assert.Equal("caf\u00e9"u8.ToArray(), text.ToArray());
        Assert.Equal("last", frame.StringHeader(":event-type"u8)); // found after every other type was skipped
        Assert.False(frame.TryGetString("int"u8, out _)); // not a string
        Assert.Null(frame.StringHeader(":missing"u8));
        Assert.Equal(42, BinaryPrimitives.ReadInt32BigEndian(Value(frame, "int")));
        Assert.Equal(-7, BinaryPrimitives.ReadInt16BigEndian(Value(frame, "short")));
        Assert.Equal(long.MinValue + 1, BinaryPrimitives.ReadInt64BigEndian(Value(frame, "long")));
        Assert.Equal(new DateTimeOffset(Timestamp).ToUnixTimeMilliseconds(), BinaryPrimitives.ReadInt64BigEndian(Value(frame, "timestamp")));
        Assert.Equal(new byte[] { 1, 2, 3, 0, 255 }, Value(frame, "bytes"));
        Assert.Equal(Uuid, new Guid(Value(frame, "uuid"))); // the SDK writes Guid.ToByteArray()
    }

    [Fact]
    public void TryReadFrame_ReadsSplitAnywhere_GiveTheSameFramesAsOneRead()
    {
        var stream = Stream();
        var whole = Decode([stream]);

        Assert.Equal(6, whole.Count);
        Assert.Equal(whole, Decode(stream.Chunk(1)));
        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal(whole, Decode(RandomReads(stream, new Random(seed))));
        }
    }

    [Fact]
    public void TryReadFrame_FramesWhollyInTheRead_AreDecodedInPlaceWithoutABuffer()
    {
        var stream = Stream();
        using var frames = new EventStreamFrames();

        Assert.Equal(6, Decode(frames, [stream]).Count);
        Assert.Equal(0, frames.BufferCapacity);
    }

    [Fact]
    public void TryReadFrame_FrameLargerThanTheInitialBuffer_GrowsTheBufferAndDecodes()
    {
        var payload = new string('x', 3 * EventStreamFrames.InitialBufferSize);
        var stream = Stream().Concat(BedrockFrames.Frame([(":event-type", "big")], $$"""{"text":"{{payload}}"}""")).Concat(Stream()).ToArray();
        using var frames = new EventStreamFrames();

        var decoded = Decode(frames, stream.Chunk(1000));

        Assert.Equal(13, decoded.Count);
        Assert.Contains(payload, decoded[6], StringComparison.Ordinal);
        Assert.True(frames.BufferCapacity > 3 * EventStreamFrames.InitialBufferSize);
        Assert.Equal(Decode([stream]), decoded);
    }

    [Fact]
    public void Dispose_AfterASplitFrame_ReturnsTheBuffer()
    {
        var stream = Stream();
        var frames = new EventStreamFrames();
        var read = (ReadOnlySpan<byte>)stream.AsSpan(0, 20);
        Assert.False(frames.TryReadFrame(ref read, out _, out var error));
        Assert.Null(error);
        Assert.True(frames.BufferCapacity >= EventStreamFrames.InitialBufferSize);

        frames.Dispose();

        Assert.Equal(0, frames.BufferCapacity);
    }

    public static TheoryData<string, int> Corruptions() => new()
    {
        { "prelude CRC", 1 },
        { "message CRC", 1 },
        { "total length 15", 1 },
        { "headers length past the frame", 1 },
        { "header past the headers section", 1 },
        { "header name past the headers section", 1 },
        { "unknown header type", 1 },
        { "frame over 16 MiB", 1 },
        { "prelude CRC", 5 },
        { "message CRC", 5 },
        { "total length 15", 5 },
        { "headers length past the frame", 5 },
        { "header past the headers section", 5 },
        { "header name past the headers section", 5 },
        { "unknown header type", 5 },
        { "frame over 16 MiB", 5 },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void TryReadFrame_CorruptFrameAfterAGoodOne_GivesTheGoodFrameThenAnErrorThatStays(string corruption, int readSize)
    {
        var good = BedrockFrames.Frame([(":event-type", "good")], "{}");
        var stream = good.Concat(Corrupt(corruption)).ToArray();
        using var frames = new EventStreamFrames();
        var decoded = 0;
        string? error = null;

        foreach (var chunk in stream.Chunk(readSize))
        {
            var read = (ReadOnlySpan<byte>)chunk;
            while (frames.TryReadFrame(ref read, out _, out error))
            {
                decoded++;
            }

            if (error is not null)
            {
                break;
            }
        }

        Assert.Equal(1, decoded);
        Assert.NotNull(error);
        var again = (ReadOnlySpan<byte>)good;
        Assert.False(frames.TryReadFrame(ref again, out _, out var later));
        Assert.Equal(error, later);
    }

    [Theory]
    [InlineData("prelude CRC", "prelude CRC")]
    [InlineData("message CRC", "message CRC")]
    [InlineData("total length 15", "total length 15 is less than the 16 bytes")]
    [InlineData("headers length past the frame", "headers length 8 does not fit")]
    [InlineData("header past the headers section", "runs past its end")]
    [InlineData("unknown header type", "unknown value type 10")]
    [InlineData("frame over 16 MiB", "over the maximum of 16777216")]
    public void TryReadFrame_Corruption_SaysWhatIsWrong(string corruption, string expected)
    {
        using var frames = new EventStreamFrames();
        var read = (ReadOnlySpan<byte>)Corrupt(corruption);

        Assert.False(frames.TryReadFrame(ref read, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    /// <summary>A frame with one header of every value type, then <c>:event-type</c>.</summary>
    private static List<IEventStreamHeader> EveryHeaderType()
    {
        var boolTrue = new EventStreamHeader("true");
        boolTrue.SetBool(true);
        var boolFalse = new EventStreamHeader("false");
        boolFalse.SetBool(false);
        var sbyteHeader = new EventStreamHeader("byte");
        sbyteHeader.SetSByte(-3);
        var shortHeader = new EventStreamHeader("short");
        shortHeader.SetInt16(-7);
        var intHeader = new EventStreamHeader("int");
        intHeader.SetInt32(42);
        var longHeader = new EventStreamHeader("long");
        longHeader.SetInt64(long.MinValue + 1);
        var bytes = new EventStreamHeader("bytes");
        bytes.SetByteBuf([1, 2, 3, 0, 255]);
        var timestamp = new EventStreamHeader("timestamp");
        timestamp.SetTimestamp(Timestamp);
        var uuid = new EventStreamHeader("uuid");
        uuid.SetUUID(Uuid);
        return [BedrockFrames.StringHeader("string", "caf\u00e9"), boolTrue, boolFalse, sbyteHeader, shortHeader, intHeader, longHeader, bytes, timestamp, uuid, BedrockFrames.StringHeader(":event-type", "last")];
    }

    /// <summary>Six frames of different sizes and kinds, as a ConverseStream with an exception at the end.</summary>
    private static byte[] Stream() =>
    [
        .. BedrockFrames.Event("messageStart", """{"role":"assistant"}"""),
        .. BedrockFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"caf\u00e9 😀"}}"""),
        .. BedrockFrames.Frame(Array.Empty<IEventStreamHeader>(), ""),
        .. BedrockFrames.Frame(EveryHeaderType(), ""),
        .. BedrockFrames.Event("metadata", """{"usage":{"inputTokens":20,"outputTokens":15}}"""),
        .. BedrockFrames.Frame([(":message-type", "exception"), (":exception-type", "throttlingException")], """{"message":"slow down"}"""),
    ];

    /// <summary>A header as the SDK writes it: name length, name, type, value (with its 2-byte length for strings and byte arrays).</summary>
    private static byte[] SdkHeaderBytes(IEventStreamHeader header)
    {
        var buffer = new byte[header.GetWireSize()];
        header.WriteToBuffer(buffer, 0);
        return buffer;
    }

    /// <summary>The same, rebuilt from what the decoder gives.</summary>
    private static byte[] HeaderBytes(EventStreamFrameHeader header)
    {
        var bytes = new List<byte> { (byte)header.Name.Length };
        bytes.AddRange(header.Name.ToArray());
        bytes.Add((byte)header.Type);
        if (header.Type is EventStreamValueType.String or EventStreamValueType.ByteArray)
        {
            bytes.Add((byte)(header.Value.Length >> 8));
            bytes.Add((byte)header.Value.Length);
        }

        bytes.AddRange(header.Value.ToArray());
        return [.. bytes];
    }

    private static byte[] Value(EventStreamFrame frame, string name)
    {
        foreach (var header in frame.Headers)
        {
            if (header.Name.SequenceEqual(Encoding.UTF8.GetBytes(name)))
            {
                return header.Value.ToArray();
            }
        }

        throw new KeyNotFoundException(name);
    }

    private static List<string> Decode(IEnumerable<byte[]> reads)
    {
        using var frames = new EventStreamFrames();
        return Decode(frames, reads);
    }

    /// <summary>Each frame as text: every header (name, type, value in hex) and the payload.</summary>
    private static List<string> Decode(EventStreamFrames frames, IEnumerable<byte[]> reads)
    {
        var decoded = new List<string>();
        foreach (var chunk in reads)
        {
            var read = (ReadOnlySpan<byte>)chunk;
            string? error;
            while (frames.TryReadFrame(ref read, out var frame, out error))
            {
                var text = new StringBuilder();
                foreach (var header in frame.Headers)
                {
                    text.Append(Encoding.UTF8.GetString(header.Name)).Append('/').Append(header.Type).Append('=').Append(Convert.ToHexString(header.Value)).Append(';');
                }

                decoded.Add(text.Append('|').Append(Encoding.UTF8.GetString(frame.Payload)).ToString());
            }

            Assert.Null(error);
            Assert.True(read.IsEmpty);
        }

        return decoded;
    }

    private static IEnumerable<byte[]> RandomReads(byte[] stream, Random random)
    {
        for (var offset = 0; offset < stream.Length;)
        {
            var length = Math.Min(random.Next(1, 120), stream.Length - offset);
            yield return stream[offset..(offset + length)];
            offset += length;
        }
    }

    /// <summary>A frame broken in one way, its CRCs otherwise right (so the named check is the one that fails).</summary>
    private static byte[] Corrupt(string corruption)
    {
        var good = BedrockFrames.Frame([(":event-type", "bad")], """{"a":1}""");
        switch (corruption)
        {
            case "prelude CRC":
                good[8] ^= 0x01;
                return good;
            case "message CRC":
                good[^6] ^= 0x5A;
                return good;
            case "total length 15":
                return Frame(headers: [], payload: [], total: 15);
            case "headers length past the frame":
                return Frame(headers: [], payload: [1, 2, 3, 4], headersLength: 8);
            case "header past the headers section":
                // "abc", string, length 100: the section ends after 3 value bytes.
                return Frame(headers: [3, (byte)'a', (byte)'b', (byte)'c', 7, 0, 100, (byte)'x', (byte)'y', (byte)'z'], payload: []);
            case "header name past the headers section":
                return Frame(headers: [9, (byte)'a', (byte)'b'], payload: []);
            case "unknown header type":
                return Frame(headers: [1, (byte)'a', 10, 0, 0], payload: []);
            case "frame over 16 MiB":
                return Frame(headers: [], payload: [], total: EventStreamFrames.MaxFrameLength + 1)[..12]; // only its prelude is sent
            default:
                throw new ArgumentOutOfRangeException(nameof(corruption), corruption, null);
        }
    }

    /// <summary>A frame from raw header bytes, with lengths overridable and both CRCs computed over what is written.</summary>
    private static byte[] Frame(byte[] headers, byte[] payload, int? total = null, int? headersLength = null)
    {
        var length = 12 + headers.Length + payload.Length + 4;
        var frame = new byte[length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(total ?? length));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)(headersLength ?? headers.Length));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc32.HashToUInt32(frame.AsSpan(0, 8)));
        headers.CopyTo(frame, 12);
        payload.CopyTo(frame, 12 + headers.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(length - 4), Crc32.HashToUInt32(frame.AsSpan(0, length - 4)));
        return frame;
    }
}
