using System.Text.Json;

namespace Sluice.Translation.Chat;

/// <summary>Reads the pieces of an OpenAI chat request that every non-OpenAI translator needs.</summary>
internal static class ChatMessageParts
{
    /// <summary>A property that is absent or JSON null.</summary>
    public static bool IsMissing(JsonElement element) => element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    public static JsonElement Get(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    /// <summary>
    /// The <c>function</c> object of a tool, a tool call or a tool choice (<paramref name="owner"/>, at
    /// <paramref name="path"/>) and its <c>name</c>; a 400 naming the field that is missing or of another JSON type.
    /// </summary>
    public static TranslationResult Function(JsonElement owner, string path, out JsonElement function, out string name)
    {
        name = string.Empty;
        function = Get(owner, "function");
        if (function.ValueKind != JsonValueKind.Object)
        {
            return TranslationResult.WrongType(path + ".function", "an object", function);
        }

        var nameElement = Get(function, "name");
        if (nameElement.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType(path + ".function.name", "a string", nameElement);
        }

        name = nameElement.GetString()!;
        return TranslationResult.Ok;
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

    /// <summary><c>stop</c>: a string or an array of strings; null when absent. Anything else is a 400 naming it.</summary>
    public static TranslationResult StopSequences(JsonElement stop, out List<string>? sequences)
    {
        sequences = null;
        if (IsMissing(stop))
        {
            return TranslationResult.Ok;
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            sequences = [stop.GetString()!];
            return TranslationResult.Ok;
        }

        if (stop.ValueKind != JsonValueKind.Array)
        {
            return TranslationResult.WrongType("stop", "a string or an array of strings", stop);
        }

        var list = new List<string>();
        foreach (var item in stop.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return TranslationResult.WrongType($"stop[{list.Count}]", "a string", item);
            }

            list.Add(item.GetString()!);
        }

        sequences = list;
        return TranslationResult.Ok;
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
