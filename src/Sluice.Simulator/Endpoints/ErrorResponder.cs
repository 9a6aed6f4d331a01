using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Buffers;
using Sluice.Simulator.Endpoints.Bedrock;
using Sluice.Simulator.Requests;

namespace Sluice.Simulator.Endpoints;

/// <summary>
/// The one place errors become responses: <c>{"error":{"message","type","param","code"}}</c>, or Bedrock's shape on
/// the Bedrock paths.
/// </summary>
internal static class ErrorResponder
{
    public static Task WriteAsync(HttpContext context, RequestError error, ErrorFormat format) =>
        format == ErrorFormat.Bedrock ? BedrockErrorResponder.WriteAsync(context, error) : WriteAsync(context, error);

    public static async Task WriteAsync(HttpContext context, RequestError error)
    {
        using var body = new PooledBufferWriter(512);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(JsonNames.Error);
            writer.WriteString(JsonNames.Message, error.Message);
            writer.WriteString(JsonNames.Type, error.Type);
            WriteNullable(writer, JsonNames.Param, error.Param);
            WriteNullable(writer, JsonNames.Code, error.Code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        await JsonResponse.SendAsync(context, error.Status, body);
    }

    public static RequestError NotFound(string method, string? path) =>
        new(StatusCodes.Status404NotFound, $"Invalid URL ({method} {path})", "invalid_request_error", null, null);

    public static RequestError ModelNotFound(string model) => new(
        StatusCodes.Status404NotFound,
        $"The model `{model}` does not exist or you do not have access to it.",
        "invalid_request_error",
        null,
        "model_not_found");

    private static void WriteNullable(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
