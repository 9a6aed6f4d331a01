using System.Text.Json;

namespace Sluice.Simulator.Requests;

/// <summary>Readers for optional scalar fields; the reader is on the property name and ends on the value.</summary>
internal static class JsonFields
{
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static bool TryReadBool(ref Utf8JsonReader reader, string param, ref bool value, out RequestError error)
    {
        reader.Read();
        error = default;
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                value = true;
                return true;
            case JsonTokenType.False:
            case JsonTokenType.Null:
                value = false;
                return true;
            default:
                error = RequestError.InvalidType(param, "a boolean");
                return false;
        }
    }

    public static bool TryReadInt(
        ref Utf8JsonReader reader,
        string param,
        int minimum,
        int maximum,
        ref int? value,
        out RequestError error)
    {
        reader.Read();
        error = default;
        if (reader.TokenType == JsonTokenType.Null)
        {
            value = null;
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int number))
        {
            error = RequestError.InvalidType(param, "an integer");
            return false;
        }

        if (number < minimum)
        {
            error = RequestError.BelowMinimum(param, number, minimum);
            return false;
        }

        if (number > maximum)
        {
            error = RequestError.AboveMaximum(param, number, maximum);
            return false;
        }

        value = number;
        return true;
    }

    /// <summary>Reads a string field; JSON null leaves <paramref name="value"/> unchanged.</summary>
    public static bool TryReadString(ref Utf8JsonReader reader, string param, ref string? value, out RequestError error)
    {
        reader.Read();
        error = default;
        if (reader.TokenType == JsonTokenType.String)
        {
            value = reader.GetString();
            return true;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        error = RequestError.InvalidType(param, "a string");
        return false;
    }

    /// <summary>
    /// Moves to a field's value, which must be an object or array of <paramref name="start"/>'s kind, or JSON null
    /// (<paramref name="present"/> false, nothing to read). On true with <paramref name="present"/>, the reader is on
    /// the start token.
    /// </summary>
    public static bool TryOpen(ref Utf8JsonReader reader, JsonTokenType start, string param, out bool present, out RequestError error)
    {
        reader.Read();
        error = default;
        present = reader.TokenType != JsonTokenType.Null;
        if (!present || reader.TokenType == start)
        {
            return true;
        }

        error = RequestError.InvalidType(param, start == JsonTokenType.StartArray ? "an array" : "an object");
        return false;
    }

    /// <summary>After the root object ends, anything but whitespace is malformed (the reader throws).</summary>
    public static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }
}
