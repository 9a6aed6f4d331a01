using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sluice.Json;
using Sluice.Model;

namespace Sluice.Forwarding;

/// <summary>
/// Rewrites only what must change in a JSON request body (the model for modelNameOverride, top-level body
/// mutations), copying every other value byte for byte. No document is built: one forward pass with
/// <see cref="Utf8JsonReader"/>, raw values written straight through <see cref="Utf8JsonWriter"/>.
/// </summary>
internal static class RequestBodyPatcher
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static bool NeedsPatch(string? modelOverride, BodyMutationModel mutation, bool ensureIncludeUsage = false) =>
        modelOverride is not null || !mutation.IsEmpty || ensureIncludeUsage;

    /// <summary>
    /// Writes the patched body to <paramref name="output"/>. The input must already be a valid JSON object.
    /// <paramref name="ensureIncludeUsage"/> makes <c>stream_options.include_usage</c> true (keeping the client's other
    /// stream options), unless a body mutation sets or removes <c>stream_options</c> itself.
    /// </summary>
    public static void Patch(ReadOnlySpan<byte> body, string? modelOverride, BodyMutationModel mutation, IBufferWriter<byte> output, bool ensureIncludeUsage = false)
    {
        ensureIncludeUsage &= IndexOfSet(null, "stream_options"u8, mutation) < 0 && !IsRemoved(null, "stream_options"u8, mutation);
        // One writer per thread, reset onto each output: Patch runs on every streamed request and never awaits, and
        // a new Utf8JsonWriter is 150 bytes of garbage each time.
        var writer = t_writer ??= new Utf8JsonWriter(output, WriterOptions);
        writer.Reset(output);
        try
        {
            WriteObject(writer, body, modelOverride, mutation, ensureIncludeUsage);
        }
        finally
        {
            writer.Reset(); // a throw above would leave a half-written state behind for the thread's next request
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, ReadOnlySpan<byte> body, string? modelOverride, BodyMutationModel mutation, bool ensureIncludeUsage)
    {
        var reader = new Utf8JsonReader(body);
        reader.Read();
        writer.WriteStartObject();
        Span<bool> written = mutation.Set.Count <= 32 ? stackalloc bool[mutation.Set.Count] : new bool[mutation.Set.Count];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var memberStart = (int)reader.TokenStartIndex;
            var readable = TryGetEscapedName(ref reader, out var name);
            var nameSpan = reader.ValueSpan;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var raw = body[start..(int)reader.BytesConsumed];

            if (!readable)
            {
                WriteRawMember(writer, body[memberStart..(int)reader.BytesConsumed]);
                continue;
            }

            if (modelOverride is not null && NameEquals(name, nameSpan, "model"u8))
            {
                writer.WriteString("model"u8, modelOverride);
                continue;
            }

            if (IsRemoved(name, nameSpan, mutation))
            {
                continue;
            }

            if (ensureIncludeUsage && NameEquals(name, nameSpan, "stream_options"u8))
            {
                WriteStreamOptionsWithUsage(writer, raw);
                ensureIncludeUsage = false;
                continue;
            }

            var setIndex = IndexOfSet(name, nameSpan, mutation);
            if (setIndex >= 0)
            {
                writer.WritePropertyName(mutation.Set[setIndex].Key);
                writer.WriteRawValue(mutation.Set[setIndex].Value, skipInputValidation: true);
                written[setIndex] = true;
                continue;
            }

            if (name is null)
            {
                writer.WritePropertyName(nameSpan);
            }
            else
            {
                writer.WritePropertyName(name);
            }

            writer.WriteRawValue(raw, skipInputValidation: true);
        }

        for (var i = 0; i < mutation.Set.Count; i++)
        {
            if (!written[i])
            {
                writer.WritePropertyName(mutation.Set[i].Key);
                writer.WriteRawValue(mutation.Set[i].Value, skipInputValidation: true);
            }
        }

        if (ensureIncludeUsage)
        {
            writer.WritePropertyName("stream_options"u8);
            writer.WriteRawValue("{\"include_usage\":true}"u8, skipInputValidation: true);
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteStreamOptionsWithUsage(Utf8JsonWriter writer, ReadOnlySpan<byte> rawOptions)
    {
        writer.WritePropertyName("stream_options"u8);
        writer.WriteStartObject();
        writer.WriteBoolean("include_usage"u8, true);
        var reader = new Utf8JsonReader(rawOptions);
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var memberStart = (int)reader.TokenStartIndex;
                var keep = !JsonStrings.TextEquals(ref reader, "include_usage"u8);
                var readable = JsonStrings.TryGetString(ref reader, out var name);
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (!readable)
                {
                    WriteRawMember(writer, rawOptions[memberStart..(int)reader.BytesConsumed]);
                }
                else if (keep)
                {
                    writer.WritePropertyName(name!);
                    writer.WriteRawValue(rawOptions[start..(int)reader.BytesConsumed], skipInputValidation: true);
                }
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// An escaped property name, unescaped (null when not escaped: the raw bytes are the name). False when it cannot
    /// be unescaped (a lone surrogate escape or invalid UTF-8): no name Sluice patches, so the member goes as sent.
    /// </summary>
    private static bool TryGetEscapedName(ref Utf8JsonReader reader, out string? name)
    {
        name = null;
        return !reader.ValueIsEscaped || JsonStrings.TryGetString(ref reader, out name);
    }

    /// <summary>
    /// Copies a whole member (<c>"name": value</c>) byte for byte. Utf8JsonWriter has no raw property name, and one
    /// it cannot unescape it cannot write either; as the writer skips validation, the member goes in as a raw value
    /// (after the comma the writer adds).
    /// </summary>
    private static void WriteRawMember(Utf8JsonWriter writer, ReadOnlySpan<byte> member) =>
        writer.WriteRawValue(member, skipInputValidation: true);

    private static bool NameEquals(string? escapedName, ReadOnlySpan<byte> rawName, ReadOnlySpan<byte> expected) =>
        escapedName is null ? rawName.SequenceEqual(expected) : System.Text.Encoding.UTF8.GetBytes(escapedName).AsSpan().SequenceEqual(expected);

    private static bool IsRemoved(string? escapedName, ReadOnlySpan<byte> rawName, BodyMutationModel mutation)
    {
        foreach (var name in mutation.Remove)
        {
            if (Matches(escapedName, rawName, name))
            {
                return true;
            }
        }

        return false;
    }

    private static int IndexOfSet(string? escapedName, ReadOnlySpan<byte> rawName, BodyMutationModel mutation)
    {
        for (var i = 0; i < mutation.Set.Count; i++)
        {
            if (Matches(escapedName, rawName, mutation.Set[i].Key))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool Matches(string? escapedName, ReadOnlySpan<byte> rawName, string candidate)
    {
        if (escapedName is not null)
        {
            return string.Equals(escapedName, candidate, StringComparison.Ordinal);
        }

        Span<byte> buffer = stackalloc byte[256];
        var count = System.Text.Encoding.UTF8.GetByteCount(candidate);
        if (count > buffer.Length)
        {
            return rawName.SequenceEqual(System.Text.Encoding.UTF8.GetBytes(candidate));
        }

        System.Text.Encoding.UTF8.GetBytes(candidate, buffer);
        return rawName.SequenceEqual(buffer[..count]);
    }
}
