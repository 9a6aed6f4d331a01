using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sluice.Forwarding;

/// <summary>The gateway's own failures, each mapped to one status and OpenAI error type in <see cref="ErrorResponse"/>.</summary>
internal enum GatewayError
{
    MalformedRequest,
    ModelNotFound,
    EndpointNotFound,
    MethodNotAllowed,
    RequestTooLarge,
    UpstreamUnreachable,
    UpstreamTimeout,
    UpstreamAuthFailed,
    Untranslatable,
    NotReady,
}

/// <summary>Writes errors in the OpenAI envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class ErrorResponse
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (int Status, string Type, string Code) Describe(GatewayError error) => error switch
    {
        GatewayError.MalformedRequest => (400, "invalid_request_error", "invalid_request"),
        GatewayError.ModelNotFound => (404, "invalid_request_error", "model_not_found"),
        GatewayError.EndpointNotFound => (404, "invalid_request_error", "unknown_url"),
        GatewayError.MethodNotAllowed => (405, "invalid_request_error", "method_not_allowed"),
        GatewayError.RequestTooLarge => (413, "invalid_request_error", "request_too_large"),
        GatewayError.UpstreamUnreachable => (502, "upstream_error", "upstream_unreachable"),
        GatewayError.UpstreamTimeout => (504, "upstream_error", "upstream_timeout"),
        GatewayError.UpstreamAuthFailed => (401, "upstream_auth_error", "upstream_auth_failed"),
        GatewayError.Untranslatable => (422, "invalid_request_error", "unsupported_parameter"),
        _ => (503, "server_error", "not_ready"),
    };

    public static Task WriteAsync(HttpResponse response, GatewayError error, string message, string? param = null) =>
        WriteAsync(response, error, message, param, statusOverride: null);

    public static Task WriteAsync(HttpResponse response, GatewayError error, string message, string? param, int? statusOverride)
    {
        var (status, type, code) = Describe(error);
        return WriteAsync(response, statusOverride ?? status, message, type, code, param);
    }

    public static async Task WriteAsync(HttpResponse response, int status, string message, string type, string? code, string? param = null)
    {
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = status;
        response.ContentType = "application/json";
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteEnvelope(buffer, message, type, code, param);
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
    }

    public static void WriteEnvelope(IBufferWriter<byte> output, string message, string type, string? code, string? param)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        if (param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", param);
        }

        if (code is null)
        {
            writer.WriteNull("code");
        }
        else
        {
            writer.WriteString("code", code);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>An SSE event carrying an error, to end a stream that already started: <c>data: {"error":...}</c>.</summary>
    public static byte[] SseEvent(string message, string type, string code)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        WriteEnvelope(buffer, message, type, code, null);
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
