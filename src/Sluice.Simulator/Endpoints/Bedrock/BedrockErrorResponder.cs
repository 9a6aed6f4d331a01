using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Buffers;
using Sluice.Simulator.Requests;

namespace Sluice.Simulator.Endpoints.Bedrock;

/// <summary>
/// Errors as Bedrock Runtime sends them: <c>{"message": ...}</c>, with the exception name for the status in
/// <c>x-amzn-ErrorType</c> (e.g. <c>ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/</c>).
/// </summary>
internal static class BedrockErrorResponder
{
    public const string ErrorTypeHeader = "x-amzn-ErrorType";
    private const string ErrorTypeSuffix = ":http://internal.amazon.com/coral/com.amazon.bedrock/";

    public static async Task WriteAsync(HttpContext context, RequestError error)
    {
        context.Response.Headers[ErrorTypeHeader] = ExceptionName(error.Status) + ErrorTypeSuffix;
        using var body = new PooledBufferWriter(512);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString(JsonNames.Message, error.Message);
            writer.WriteEndObject();
        }

        await JsonResponse.SendAsync(context, error.Status, body);
    }

    /// <summary>The Bedrock Runtime exception that answers with <paramref name="status"/>.</summary>
    public static string ExceptionName(int status) => status switch
    {
        401 => "UnrecognizedClientException",
        403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        408 => "ModelTimeoutException",
        424 => "ModelErrorException",
        429 => "ThrottlingException",
        503 => "ServiceUnavailableException",
        < 500 => "ValidationException",
        _ => "InternalServerException",
    };
}
