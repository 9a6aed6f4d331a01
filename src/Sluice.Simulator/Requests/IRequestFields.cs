using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Sluice.Simulator.Requests;

/// <summary>
/// The endpoint-specific half of a request parser: the properties it keeps besides <c>model</c>, and the checks
/// that turn them into a request. <see cref="RequestJsonParser"/> runs the rest. Implementations are mutable
/// structs, so a parse allocates nothing for its own state.
/// </summary>
internal interface IRequestFields<TRequest>
    where TRequest : class
{
    /// <summary>
    /// The reader is on a property name other than <c>model</c>. Reads the value if the property is one this body
    /// keeps, skips it otherwise, and ends on the value's last token; false rejects the body with
    /// <paramref name="error"/>.
    /// </summary>
    bool TryReadProperty(ref Utf8JsonReader reader, out RequestError error);

    /// <summary>Called once the whole body is read and <paramref name="model"/> is known to be non-empty.</summary>
    bool TryCreate(string model, [NotNullWhen(true)] out TRequest? request, out RequestError error);
}
