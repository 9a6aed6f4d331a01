using System.Text.Json;

namespace Sluice.Simulator.Requests;

/// <summary>
/// <c>stream</c> and <c>stream_options.include_usage</c>, the switches chat and legacy completion bodies share.
/// Put it last in a body's property chain: it also skips the properties nobody keeps.
/// </summary>
internal struct StreamFields
{
    private bool _stream;
    private bool _includeUsage;

    public readonly bool Stream => _stream;

    public readonly bool IncludeUsage => _includeUsage;

    /// <summary>The reader is on a property name; reads "stream" or "stream_options", or skips the value.</summary>
    public bool TryReadOrSkip(ref Utf8JsonReader reader, out RequestError error)
    {
        if (reader.ValueTextEquals("stream"u8))
        {
            return JsonFields.TryReadBool(ref reader, "stream", ref _stream, out error);
        }

        if (reader.ValueTextEquals("stream_options"u8))
        {
            return TryReadStreamOptions(ref reader, ref _includeUsage, out error);
        }

        reader.Skip();
        error = default;
        return true;
    }

    /// <summary>Reads <c>stream_options</c>, keeping only <c>include_usage</c>.</summary>
    private static bool TryReadStreamOptions(ref Utf8JsonReader reader, ref bool includeUsage, out RequestError error)
    {
        reader.Read();
        error = default;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = RequestError.InvalidType("stream_options", "an object");
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("include_usage"u8))
            {
                if (!JsonFields.TryReadBool(ref reader, "stream_options.include_usage", ref includeUsage, out error))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return true;
    }
}
