using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Sluice.Simulator.Requests;

/// <summary>
/// What every request body parser shares: one root object read with <see cref="Utf8JsonReader"/>, a required
/// non-empty <c>model</c> string (or a model named by the path: an Azure deployment, a Bedrock model id), nothing
/// after the root object, and the OpenAI error for malformed JSON. Every other property goes to the endpoint's
/// <see cref="IRequestFields{TRequest}"/>, in body order; its first error wins.
/// </summary>
internal static class RequestJsonParser
{
    public static bool TryParse<TFields, TRequest>(
        in ReadOnlySequence<byte> body,
        TFields fields,
        [NotNullWhen(true)] out TRequest? request,
        out RequestError error)
        where TFields : struct, IRequestFields<TRequest>
        where TRequest : class =>
        TryParse(body, fields, pathModel: null, out request, out error);

    /// <param name="pathModel">The model when the body has no <c>model</c>; a body's own model wins.</param>
    public static bool TryParse<TFields, TRequest>(
        in ReadOnlySequence<byte> body,
        TFields fields,
        string? pathModel,
        [NotNullWhen(true)] out TRequest? request,
        out RequestError error)
        where TFields : struct, IRequestFields<TRequest>
        where TRequest : class
    {
        request = null;
        try
        {
            var reader = new Utf8JsonReader(body, JsonFields.ReaderOptions);
            return TryParse(ref reader, ref fields, pathModel, out request, out error);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Utf8JsonReader has no non-throwing Read: malformed JSON throws JsonException, and invalid UTF-8
            // inside a string value throws InvalidOperationException when it is copied out.
            error = RequestError.InvalidJson();
            return false;
        }
    }

    private static bool TryParse<TFields, TRequest>(
        ref Utf8JsonReader reader,
        ref TFields fields,
        string? pathModel,
        [NotNullWhen(true)] out TRequest? request,
        out RequestError error)
        where TFields : struct, IRequestFields<TRequest>
        where TRequest : class
    {
        request = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = RequestError.InvalidJson();
            return false;
        }

        string? model = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok = reader.ValueTextEquals("model"u8)
                ? JsonFields.TryReadString(ref reader, "model", ref model, out error)
                : fields.TryReadProperty(ref reader, out error);
            if (!ok)
            {
                return false;
            }
        }

        JsonFields.ReadToEnd(ref reader);
        if (string.IsNullOrEmpty(model))
        {
            model = pathModel;
        }

        if (string.IsNullOrEmpty(model))
        {
            error = RequestError.MissingModel();
            return false;
        }

        return fields.TryCreate(model, out request, out error);
    }
}
