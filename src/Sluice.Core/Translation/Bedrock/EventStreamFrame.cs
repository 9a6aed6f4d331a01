using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// One whole, checked AWS event-stream frame, as <see cref="EventStreamFrames.TryReadFrame"/> returns it: spans
/// over the frame's headers section and payload, valid until the next call to the decoder. Reading a header walks
/// the headers section again (a Bedrock frame has three); nothing is allocated except by <see cref="StringHeader"/>.
/// </summary>
internal readonly ref struct EventStreamFrame
{
    private readonly ReadOnlySpan<byte> _headers;

    /// <param name="headers">The headers section, already checked by <see cref="EventStreamFrameHeader.Read"/>.</param>
    /// <param name="payload">The payload.</param>
    internal EventStreamFrame(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> payload)
    {
        _headers = headers;
        Payload = payload;
    }

    /// <summary>The payload (for Bedrock, one JSON event).</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Every header in wire order, e.g. <c>foreach (var header in frame.Headers)</c>.</summary>
    public EventStreamHeaderEnumerator Headers => new(_headers);

    /// <summary>
    /// The UTF-8 value of the string header named <paramref name="name"/> (e.g. <c>":event-type"u8</c>); false when
    /// the frame has no such header or it is not a string.
    /// </summary>
    public bool TryGetString(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        foreach (var header in Headers)
        {
            if (header.Type == EventStreamValueType.String && header.Name.SequenceEqual(name))
            {
                value = header.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// The string header named <paramref name="name"/> as a .NET string, null when absent or not a string. It
    /// allocates: for error paths (exception frames, messages), not for every event.
    /// </summary>
    public string? StringHeader(ReadOnlySpan<byte> name) => TryGetString(name, out var value) ? Encoding.UTF8.GetString(value) : null;
}

/// <summary>An event-stream header's value type, the byte after its name.</summary>
internal enum EventStreamValueType : byte
{
    BoolTrue = 0,
    BoolFalse = 1,
    Byte = 2,
    Short = 3,
    Int = 4,
    Long = 5,
    ByteArray = 6,
    String = 7,
    Timestamp = 8,
    Uuid = 9,
}

/// <summary>
/// One header: its UTF-8 name, value type and value bytes (big-endian integers as on the wire; for byte arrays and
/// strings the bytes after the 2-byte length; empty for booleans, whose value is the type).
/// </summary>
internal readonly ref struct EventStreamFrameHeader
{
    internal EventStreamFrameHeader(ReadOnlySpan<byte> name, EventStreamValueType type, ReadOnlySpan<byte> value)
    {
        Name = name;
        Type = type;
        Value = value;
    }

    public ReadOnlySpan<byte> Name { get; }

    public EventStreamValueType Type { get; }

    public ReadOnlySpan<byte> Value { get; }

    /// <summary>
    /// Reads the header at <paramref name="offset"/> of a headers section and moves past it. Returns null, or why the
    /// bytes are not a header (cut short by the end of the section, an unknown value type).
    /// </summary>
    internal static string? Read(ReadOnlySpan<byte> headers, scoped ref int offset, out EventStreamFrameHeader header)
    {
        header = default;
        var rest = headers[offset..];
        if (rest.IsEmpty || rest.Length < 1 + rest[0] + 1)
        {
            return RunsPast(offset);
        }

        var name = rest.Slice(1, rest[0]);
        var type = (EventStreamValueType)rest[1 + name.Length];
        var valueStart = 2 + name.Length;
        var lengthPrefix = type is EventStreamValueType.ByteArray or EventStreamValueType.String ? 2 : 0;
        int length = type switch
        {
            EventStreamValueType.BoolTrue or EventStreamValueType.BoolFalse => 0,
            EventStreamValueType.Byte => 1,
            EventStreamValueType.Short => 2,
            EventStreamValueType.Int => 4,
            EventStreamValueType.Long or EventStreamValueType.Timestamp => 8,
            EventStreamValueType.Uuid => 16,
            EventStreamValueType.ByteArray or EventStreamValueType.String => rest.Length < valueStart + 2
                ? int.MaxValue
                : BinaryPrimitives.ReadUInt16BigEndian(rest[valueStart..]),
            _ => -1,
        };
        if (length < 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the header at byte {offset} of the headers section has an unknown value type {(byte)type}");
        }

        if (length == int.MaxValue || rest.Length - valueStart - lengthPrefix < length)
        {
            return RunsPast(offset);
        }

        header = new EventStreamFrameHeader(name, type, rest.Slice(valueStart + lengthPrefix, length));
        offset += valueStart + lengthPrefix + length;
        return null;
    }

    private static string RunsPast(int offset) =>
        string.Create(CultureInfo.InvariantCulture, $"the header at byte {offset} of the headers section runs past its end");
}

/// <summary>Walks a checked headers section; used by <c>foreach</c> over <see cref="EventStreamFrame.Headers"/>.</summary>
internal ref struct EventStreamHeaderEnumerator
{
    private readonly ReadOnlySpan<byte> _headers;
    private int _offset;

    internal EventStreamHeaderEnumerator(ReadOnlySpan<byte> headers) => _headers = headers;

    public EventStreamFrameHeader Current { get; private set; }

    public readonly EventStreamHeaderEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        // The decoder checked the section before handing out the frame, so a failed read here only means "no more".
        if (_offset >= _headers.Length || EventStreamFrameHeader.Read(_headers, ref _offset, out var header) is not null)
        {
            return false;
        }

        Current = header;
        return true;
    }
}
