using System.Buffers;
using System.Text;
using System.Text.Json;
using Sluice.Forwarding;
using Sluice.Json;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// Bedrock's errors (<c>{"message": ...}</c> with the type in header <c>x-amzn-errortype</c>, e.g.
/// <c>ValidationException:http://internal.amazon.com/coral/...</c>) in the OpenAI envelope; the status is kept.
/// </summary>
internal static class BedrockErrors
{
    public static void Write(int status, string? errorType, ReadOnlySpan<byte> body, IBufferWriter<byte> output)
    {
        var type = errorType is null ? null : errorType.Split(':', 2)[0].Trim();
        var message = MessageOf(body) ?? $"AWS Bedrock answered {status} without a message";
        ErrorResponse.WriteEnvelope(output, message, string.IsNullOrEmpty(type) ? "BedrockError" : type, status.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
    }

    /// <summary>The <c>message</c> (or <c>Message</c>) of a JSON error body, else the body's text.</summary>
    public static string? MessageOf(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isMessage = JsonStrings.TextEquals(ref reader, "message"u8) || JsonStrings.TextEquals(ref reader, "Message"u8);
                    reader.Read();
                    if (isMessage && reader.TokenType == JsonTokenType.String)
                    {
                        return JsonStrings.GetString(ref reader);
                    }

                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // not JSON: fall back to the text
        }

        return Encoding.UTF8.GetString(body).Trim();
    }

    /// <summary>OpenAI's finish_reason for a Bedrock (Converse or Anthropic) stop reason.</summary>
    public static string FinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "content_filtered" or "guardrail_intervened" or "refusal" => "content_filter",
        _ => "stop",
    };
}
