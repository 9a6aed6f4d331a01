using System.Text.Json;
using Sluice.Json;

namespace Sluice.ClientAuth;

/// <summary>Reads claims of a validated token's payload by name or dotted path (<c>realm.role</c>), as Envoy does.</summary>
internal static class JwtClaims
{
    /// <summary>
    /// The claim named <paramref name="path"/> at the top level, else by its dotted path; null when absent, or when an
    /// object on the way has a property name with a lone surrogate escape (no look-up can compare it).
    /// </summary>
    public static JsonElement? Find(JsonElement payload, string path)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            if (payload.TryGetProperty(path, out var direct))
            {
                return direct;
            }

            var current = payload;
            foreach (var segment in path.Split('.'))
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
                {
                    return null;
                }
            }

            return current;
        }
        catch (InvalidOperationException)
        {
            // Microsoft.IdentityModel refuses such names at the top level, not below; a claim not found is the safe reading.
            return null;
        }
    }

    /// <summary>
    /// A claim as a header value: strings as they are, numbers and booleans as JSON text. Arrays, objects, values
    /// with control characters (which cannot be a header) and strings that cannot be unescaped (a lone surrogate
    /// escape) give null, and the header is not set.
    /// </summary>
    public static string? AsHeaderValue(JsonElement value)
    {
        var text = Scalar(value);
        if (text is null)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return null;
            }
        }

        return text;
    }

    /// <summary>Every value of a claim, for allow-list look-ups: a scalar, or each scalar of an array (unreadable strings left out).</summary>
    public static IEnumerable<string> Values(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (Scalar(item) is { } text)
                {
                    yield return text;
                }
            }
        }
        else if (Scalar(value) is { } text)
        {
            yield return text;
        }
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => JsonStrings.TryGetString(value, out var text) ? text : null,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
