using System.Text.Json;

namespace Sluice.Translation.Chat;

/// <summary>Reads the pieces of an OpenAI chat request that every non-OpenAI translator needs.</summary>
internal static class ChatMessageParts
{
    /// <summary>A property that is absent or JSON null.</summary>
    public static bool IsMissing(JsonElement element) => element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    public static JsonElement Get(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    /// <summary>A whole-number property, 0 when absent (providers leave out zero token counts).</summary>
    public static long Long(JsonElement element, string name) =>
        Get(element, name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : 0;

    /// <summary>The text of a content that is a string or an array of <c>text</c> parts; null when it holds anything else.</summary>
    public static string? Text(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return IsMissing(content) ? string.Empty : null;
        }

        var text = new System.Text.StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (Get(part, "type").ValueEquals("text") || Get(part, "type").ValueEquals("refusal"))
            {
                text.Append(Get(part, Get(part, "type").GetString()!).GetString());
            }
            else
            {
                return null;
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Splits a <c>data:image/png;base64,...</c> URL into the image format (png, jpeg, gif, webp) and its base64
    /// data. Providers that take image bytes cannot fetch remote URLs, so anything else is refused.
    /// </summary>
    public static bool TryParseImageDataUrl(string? url, out string format, out string base64)
    {
        format = base64 = string.Empty;
        const string prefix = "data:image/";
        if (url is null || !url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var marker = url.IndexOf(";base64,", prefix.Length, StringComparison.OrdinalIgnoreCase);
        if (marker < 0)
        {
            return false;
        }

        format = url[prefix.Length..marker].ToLowerInvariant() switch
        {
            "png" => "png",
            "jpeg" or "jpg" => "jpeg",
            "gif" => "gif",
            "webp" => "webp",
            _ => string.Empty,
        };
        base64 = url[(marker + ";base64,".Length)..];
        return format.Length > 0 && base64.Length > 0;
    }

    /// <summary><c>stop</c>: a string or an array of strings.</summary>
    public static List<string>? StopSequences(JsonElement stop)
    {
        if (stop.ValueKind == JsonValueKind.String)
        {
            return [stop.GetString()!];
        }

        if (stop.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in stop.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            list.Add(item.GetString()!);
        }

        return list;
    }

    /// <summary>A function call's <c>arguments</c> text as a JSON object to embed; null when it is not one.</summary>
    public static string? ArgumentsObject(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return "{}";
        }

        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.ValueKind == JsonValueKind.Object ? arguments : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
