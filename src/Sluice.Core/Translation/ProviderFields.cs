using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Sluice.Json;
using Sluice.Translation.Chat;

namespace Sluice.Translation;

/// <summary>
/// Reads the fields of a provider's answer by their JSON kind, for the response translators: a required field that
/// is missing, or a field of another kind, is a result (false: the answer is not what the provider sends, a 502)
/// rather than an exception from a <see cref="JsonElement"/> accessor. Streams end at such an event with the
/// corrupt-stream error: <see cref="Unreadable"/> is the exception their translators throw, naming the field.
/// Strings are read with <see cref="JsonStrings"/> (half a surrogate pair becomes U+FFFD).
/// </summary>
internal static class ProviderFields
{
    /// <summary>A string property that must be there.</summary>
    public static bool TryGetString(JsonElement parent, string name, [NotNullWhen(true)] out string? value)
    {
        var element = ChatMessageParts.Get(parent, name);
        value = element.ValueKind == JsonValueKind.String ? JsonStrings.GetString(element) : null;
        return value is not null;
    }

    /// <summary>A string property that may be absent or JSON null (then null); false when it has another kind.</summary>
    public static bool TryGetOptionalString(JsonElement parent, string name, out string? value)
    {
        var element = ChatMessageParts.Get(parent, name);
        value = element.ValueKind == JsonValueKind.String ? JsonStrings.GetString(element) : null;
        return value is not null || ChatMessageParts.IsMissing(element);
    }

    /// <summary>A token count: 0 when absent or JSON null (providers leave out zero counts); false unless a whole number.</summary>
    public static bool TryGetCount(JsonElement parent, string name, out long value)
    {
        var element = ChatMessageParts.Get(parent, name);
        value = 0;
        return ChatMessageParts.IsMissing(element) || (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value));
    }

    /// <summary>A content block index that must be there: a whole number.</summary>
    public static bool TryGetIndex(JsonElement parent, string name, out int value)
    {
        var element = ChatMessageParts.Get(parent, name);
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }

    /// <summary>A required string of a stream event; <see cref="Unreadable"/> when it is missing or another kind.</summary>
    public static string RequiredString(JsonElement parent, string name) =>
        TryGetString(parent, name, out var value) ? value : throw Unreadable(parent, name, "a string");

    /// <summary>An optional string of a stream event (null when absent or JSON null); <see cref="Unreadable"/> for another kind.</summary>
    public static string? OptionalString(JsonElement parent, string name) =>
        TryGetOptionalString(parent, name, out var value) ? value : throw Unreadable(parent, name, "a string");

    /// <summary>A required content block index of a stream event; <see cref="Unreadable"/> when it is not a whole number.</summary>
    public static int RequiredIndex(JsonElement parent, string name) =>
        TryGetIndex(parent, name, out var value) ? value : throw Unreadable(parent, name, "an integer");

    /// <summary>The exception that ends a translated stream at a usage object whose counts are not whole numbers.</summary>
    public static FormatException UnreadableUsage() => new("usage holds a token count that is not a whole number");

    /// <summary>
    /// The exception that ends a translated stream at an event it cannot read (a <see cref="FormatException"/>, caught
    /// as a corrupt stream), saying which field was expected as what and what it was.
    /// </summary>
    public static FormatException Unreadable(JsonElement parent, string name, string expected) =>
        new(JsonKinds.Mismatch(name, expected, ChatMessageParts.Get(parent, name)));
}
