using System.Text.Json;

namespace Sluice.Json;

/// <summary>
/// Words for JSON value kinds, for errors about a field of the wrong type: what was expected and what was found
/// (<c>messages[1].tool_call_id must be a string, not a number</c>), or that a required field is missing.
/// </summary>
internal static class JsonKinds
{
    /// <summary>The kind of <paramref name="value"/> with its article (<c>a number</c>, <c>null</c>); <c>missing</c> for an absent property.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    /// <summary>
    /// Why <paramref name="found"/> at <paramref name="path"/> cannot be read as <paramref name="expected"/> (with its
    /// article: <c>a string</c>): <c>{path} must be {expected}, not {found}</c>, or <c>{path} is required: {expected}</c>
    /// when the property is absent.
    /// </summary>
    public static string Mismatch(string path, string expected, JsonElement found) => found.ValueKind == JsonValueKind.Undefined
        ? $"{path} is required: {expected}"
        : $"{path} must be {expected}, not {Describe(found)}";
}
