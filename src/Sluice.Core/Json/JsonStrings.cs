using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Sluice.Json;

/// <summary>
/// Reads JSON strings that System.Text.Json will not unescape. JSON allows an escaped lone UTF-16 surrogate
/// (<c>"\ud83d"</c>: half an emoji, as a stream split mid-pair may send), and <see cref="Utf8JsonReader"/> lets
/// invalid UTF-8 through inside a string; <c>GetString</c>, <c>CopyString</c>, <c>ValueTextEquals</c> and their
/// <see cref="JsonElement"/> twins then throw <see cref="InvalidOperationException"/>. Here such text reads as
/// U+FFFD, as a UTF-8 decoder reads an invalid byte, so every string Sluice makes is valid UTF-16 and every JSON
/// it writes is valid Unicode. Each method calls System.Text.Json first; the fallback runs only on text it refused.
/// </summary>
internal static class JsonStrings
{
    /// <summary>
    /// The string value or property name the reader is on (null for JSON null), as
    /// <see cref="Utf8JsonReader.GetString"/> reads it, with unreadable text as U+FFFD.
    /// </summary>
    public static string? GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException) when (IsText(reader.TokenType))
        {
            return Unescape(RawValue(ref reader)); // a lone surrogate escape or invalid UTF-8: rare, so a throw is fine
        }
    }

    /// <summary>A string element (null for JSON null) as <see cref="JsonElement.GetString"/> reads it, with unreadable text as U+FFFD.</summary>
    public static string? GetString(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException) when (element.ValueKind == JsonValueKind.String)
        {
            return Unescape(JsonMarshal.GetRawUtf8Value(element)[1..^1]); // a lone surrogate escape or invalid UTF-8 (the raw value has its quotes)
        }
    }

    /// <summary>
    /// The string value or property name the reader is on (null for JSON null); false, rather than a guess, when it
    /// cannot be unescaped: for a value that must be exact, such as the model a request is routed by.
    /// </summary>
    public static bool TryGetString(ref Utf8JsonReader reader, out string? value)
    {
        try
        {
            value = reader.GetString();
            return true;
        }
        catch (InvalidOperationException) when (IsText(reader.TokenType))
        {
            value = null; // a lone surrogate escape or invalid UTF-8: rare, so a throw is fine
            return false;
        }
    }

    /// <summary>A string element (null for JSON null); false, rather than a guess, when it cannot be unescaped.</summary>
    public static bool TryGetString(JsonElement element, out string? value)
    {
        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException) when (element.ValueKind == JsonValueKind.String)
        {
            value = null; // a lone surrogate escape or invalid UTF-8: rare, so a throw is fine
            return false;
        }
    }

    /// <summary>The error message for a field whose text cannot be unescaped (the 400 that names it).</summary>
    public static string NotUnicode(string field) =>
        $"{field} is not valid Unicode text: it holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff without its other half) or invalid UTF-8";

    /// <summary>Appends the unescaped UTF-8 of the string the reader is on, with unreadable text as U+FFFD.</summary>
    public static void CopyString(ref Utf8JsonReader reader, IBufferWriter<byte> output)
    {
        var rawLength = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        int written;
        try
        {
            written = reader.CopyString(output.GetSpan(rawLength)); // unescaped UTF-8 is never longer than the raw value
        }
        catch (InvalidOperationException) when (IsText(reader.TokenType))
        {
            var text = Unescape(RawValue(ref reader)); // a lone surrogate escape or invalid UTF-8: rare, so a throw is fine
            written = Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetByteCount(text)));
        }

        output.Advance(written);
    }

    /// <summary>
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/>, except that text which cannot be unescaped
    /// equals nothing (no name or value Sluice looks for has a lone surrogate) instead of throwing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TextEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Text) =>
        reader.ValueIsEscaped ? EscapedTextEquals(ref reader, utf8Text) : reader.ValueTextEquals(utf8Text);

    /// <summary>
    /// The path (<c>messages[0].content</c>) of the first string or property name in <paramref name="json"/> that
    /// cannot be unescaped; null when there is none. Reads the whole document: for explaining a failure, not for
    /// every request.
    /// </summary>
    public static string? FindUnreadable(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var path = new List<PathSegment>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Add(new PathSegment { IsArray = reader.TokenType == JsonTokenType.StartArray });
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        NextValue(path);
                        break;
                    case JsonTokenType.PropertyName:
                        var readable = TryGetString(ref reader, out var name);
                        path[^1].Name = readable ? name : Encoding.UTF8.GetString(RawValue(ref reader));
                        if (!readable)
                        {
                            return Describe(path);
                        }

                        break;
                    case JsonTokenType.String when !TryGetString(ref reader, out _):
                        return Describe(path);
                    default:
                        NextValue(path);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // malformed after the part read: nothing unreadable before it
        }

        return null;
    }

    /// <summary>
    /// A JSON string's raw UTF-8 between its quotes (escapes still in) as text, the way System.Text.Json unescapes it
    /// except that a lone surrogate and invalid UTF-8 become U+FFFD. The input has passed <see cref="Utf8JsonReader"/>,
    /// so its escapes are well formed.
    /// </summary>
    internal static string Unescape(ReadOnlySpan<byte> raw)
    {
        var text = new StringBuilder(raw.Length);
        while (true)
        {
            var backslash = raw.IndexOf((byte)'\\');
            text.Append(Encoding.UTF8.GetString(backslash < 0 ? raw : raw[..backslash])); // invalid UTF-8 → U+FFFD
            if (backslash < 0)
            {
                break;
            }

            var escape = raw[backslash + 1];
            text.Append(escape switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                (byte)'u' => (char)ushort.Parse(raw.Slice(backslash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
                _ => (char)escape, // \" \\ \/
            });
            raw = raw[(backslash + (escape == (byte)'u' ? 6 : 2))..];
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                text[i] = '\uFFFD';
            }
        }

        return text.ToString();
    }

    private static bool IsText(JsonTokenType token) => token is JsonTokenType.String or JsonTokenType.PropertyName;

    private static ReadOnlySpan<byte> RawValue(ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;

    private static bool EscapedTextEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Text)
    {
        try
        {
            return reader.ValueTextEquals(utf8Text);
        }
        catch (InvalidOperationException) when (IsText(reader.TokenType))
        {
            return false; // a lone surrogate escape or invalid UTF-8: rare, so a throw is fine
        }
    }

    /// <summary>After a value: an array moves on to its next index.</summary>
    private static void NextValue(List<PathSegment> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1].Index++;
        }
    }

    private static string Describe(List<PathSegment> path)
    {
        var text = new StringBuilder();
        foreach (var segment in path)
        {
            if (segment.IsArray)
            {
                text.Append('[').Append(segment.Index).Append(']');
            }
            else if (segment.Name is not null)
            {
                text.Append(text.Length == 0 ? string.Empty : ".").Append(segment.Name);
            }
        }

        return text.Length == 0 ? "the body" : text.ToString();
    }

    /// <summary>One open object (the property being read) or array (the index being read).</summary>
    private sealed class PathSegment
    {
        public bool IsArray { get; init; }

        public int Index { get; set; }

        public string? Name { get; set; }
    }
}
