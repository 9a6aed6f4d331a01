using System.Text.Json;
using Sluice.Json;

namespace Sluice.Routing;

/// <summary>What the gateway needs from a request body: the model, whether it streams, and whether it asked for usage.</summary>
internal readonly record struct RequestFields(string Model, bool Stream, StreamOptionsState StreamOptions = StreamOptionsState.Absent);

/// <summary>The request's <c>stream_options</c>: absent, an object asking for usage, or an object that does not.</summary>
internal enum StreamOptionsState
{
    Absent,
    IncludesUsage,
    WithoutUsage,
}

internal enum RequestFieldsError
{
    None,
    MalformedJson,
    NotAnObject,
    MissingModel,
    ModelNotAString,

    /// <summary>The model holds text no route can match: a lone surrogate escape (<c>"\ud83d"</c>) or invalid UTF-8.</summary>
    ModelNotUnicode,
}

/// <summary>
/// Reads the top-level <c>model</c> and <c>stream</c> of a JSON body with <see cref="Utf8JsonReader"/>, skipping
/// everything else without building a document: the passthrough path never materialises the body. A property name
/// System.Text.Json will not unescape (a lone surrogate escape) is another field; such a model is an error.
/// </summary>
internal static class RequestFieldsReader
{
    private static readonly byte[] ModelProperty = "model"u8.ToArray();
    private static readonly byte[] StreamProperty = "stream"u8.ToArray();
    private static readonly byte[] StreamOptionsProperty = "stream_options"u8.ToArray();
    private static readonly byte[] IncludeUsageProperty = "include_usage"u8.ToArray();

    public static RequestFieldsError TryRead(ReadOnlySpan<byte> body, out RequestFields fields)
    {
        fields = default;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        string? model = null;
        var stream = false;
        var streamOptions = StreamOptionsState.Absent;
        var modelIsNotString = false;
        var modelIsNotUnicode = false;
        try
        {
            if (!reader.Read())
            {
                return RequestFieldsError.MalformedJson;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return RequestFieldsError.NotAnObject;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (JsonStrings.TextEquals(ref reader, ModelProperty))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        modelIsNotUnicode = !JsonStrings.TryGetString(ref reader, out model);
                    }
                    else
                    {
                        modelIsNotString = true;
                        reader.Skip();
                    }
                }
                else if (JsonStrings.TextEquals(ref reader, StreamOptionsProperty))
                {
                    reader.Read();
                    streamOptions = ReadStreamOptions(ref reader);
                }
                else if (JsonStrings.TextEquals(ref reader, StreamProperty))
                {
                    reader.Read();
                    stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return RequestFieldsError.MalformedJson;
            }
        }
        catch (JsonException)
        {
            return RequestFieldsError.MalformedJson;
        }

        if (modelIsNotString)
        {
            return RequestFieldsError.ModelNotAString;
        }

        if (modelIsNotUnicode)
        {
            return RequestFieldsError.ModelNotUnicode;
        }

        if (string.IsNullOrEmpty(model))
        {
            return RequestFieldsError.MissingModel;
        }

        fields = new RequestFields(model, stream, streamOptions);
        return RequestFieldsError.None;
    }

    private static StreamOptionsState ReadStreamOptions(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return StreamOptionsState.Absent;
        }

        var includesUsage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = JsonStrings.TextEquals(ref reader, IncludeUsageProperty);
            reader.Read();
            includesUsage |= isIncludeUsage && reader.TokenType == JsonTokenType.True;
            reader.Skip();
        }

        return includesUsage ? StreamOptionsState.IncludesUsage : StreamOptionsState.WithoutUsage;
    }

    /// <summary>The JSON reader error position, for a helpful 400 message.</summary>
    public static string DescribeMalformed(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            while (reader.Read())
            {
                reader.Skip();
            }

            return "the request body is not valid JSON";
        }
        catch (JsonException ex)
        {
            return $"the request body is not valid JSON: {ex.Message}";
        }
    }
}
