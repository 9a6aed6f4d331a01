using System.Buffers.Binary;
using System.Text;

namespace Sluice.Infrastructure;

/// <summary>
/// Writes AWS event-stream frames as Bedrock sends them, from the format's specification and independently of the
/// gateway's own decoder and of the AWS SDK's encoder (which the unit tests use): total length, headers length,
/// prelude CRC32, string headers, payload, message CRC32 (all big-endian).
/// </summary>
internal static class EventStreamEncoder
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>A Converse stream event: <c>:event-type</c>, <c>:content-type</c> and <c>:message-type: event</c>.</summary>
    public static byte[] Event(string eventType, string json) =>
        Frame([(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")], Encoding.UTF8.GetBytes(json));

    /// <summary>A modeled exception mid-stream, e.g. <c>throttlingException</c>.</summary>
    public static byte[] Exception(string exceptionType, string message) =>
        Frame([(":exception-type", exceptionType), (":content-type", "application/json"), (":message-type", "exception")], Encoding.UTF8.GetBytes($$"""{"message":"{{message}}"}"""));

    public static byte[] Frame(IReadOnlyList<(string Name, string Value)> headers, byte[] payload)
    {
        using var headerBytes = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            headerBytes.WriteByte((byte)nameBytes.Length);
            headerBytes.Write(nameBytes);
            headerBytes.WriteByte(7); // string
            headerBytes.WriteByte((byte)(valueBytes.Length >> 8));
            headerBytes.WriteByte((byte)valueBytes.Length);
            headerBytes.Write(valueBytes);
        }

        var headersLength = (int)headerBytes.Length;
        var total = 12 + headersLength + payload.Length + 4;
        var frame = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc32(frame.AsSpan(0, 8)));
        headerBytes.ToArray().CopyTo(frame, 12);
        payload.CopyTo(frame, 12 + headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), Crc32(frame.AsSpan(0, total - 4)));
        return frame;
    }

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
