using System.Text.Json;
using Sluice.Forwarding;
using Sluice.Json;

namespace Sluice.Translation;

/// <summary>
/// Turns an OpenAI-shaped client request into the backend schema's request. OpenAI-family backends (OpenAI,
/// Azure OpenAI) take the body as is, so only the path differs; providers with other wire formats (AWS Bedrock)
/// set <see cref="TranslatesBody"/> and translate the request body and the response.
/// </summary>
internal abstract class BackendTranslator
{
    /// <summary>gen_ai.provider.name for telemetry.</summary>
    public abstract string ProviderName { get; }

    /// <summary>True when the body goes through <see cref="TranslateRequest"/> and the answer through a <see cref="ResponseTranslator"/>.</summary>
    public virtual bool TranslatesBody => false;

    /// <summary>The upstream path and query for a request to <paramref name="upstreamModel"/>.</summary>
    public abstract string BuildPathAndQuery(EndpointKind endpoint, string upstreamModel, bool stream);

    /// <summary>The path and query when they do not depend on the model or streaming (then built into a URI once, at compile time).</summary>
    public virtual string? ModelIndependentPathAndQuery(EndpointKind endpoint) => null;

    /// <summary>Null when this schema serves <paramref name="endpoint"/>; otherwise why not, for a 404.</summary>
    public virtual string? RefuseEndpoint(EndpointKind endpoint) => null;

    /// <summary>
    /// Writes the upstream body for the OpenAI request <paramref name="body"/>; an error names the field that cannot be
    /// mapped, or whose text cannot be read.
    /// </summary>
    public TranslationResult TranslateRequest(EndpointKind endpoint, ReadOnlyMemory<byte> body, string upstreamModel, PooledBufferWriter output)
    {
        try
        {
            return WriteRequest(endpoint, body, upstreamModel, output);
        }
        catch (InvalidOperationException) when (JsonStrings.FindUnreadable(body.Span) is { } field)
        {
            // The body holds text System.Text.Json will not unescape (a lone surrogate escape): every read of it throws,
            // and a translated request needs the text. Rare, so found only now, and the client's fault: a 400 naming it.
            return TranslationResult.Malformed(field, JsonStrings.NotUnicode(field));
        }
    }

    /// <summary>Writes the upstream body for <see cref="TranslateRequest"/>, for schemas that <see cref="TranslatesBody"/>.</summary>
    protected virtual TranslationResult WriteRequest(EndpointKind endpoint, ReadOnlyMemory<byte> body, string upstreamModel, PooledBufferWriter output) =>
        TranslationResult.Ok;

    /// <summary>A fresh translator for one response (streams keep state between reads).</summary>
    public virtual ResponseTranslator? CreateResponseTranslator(EndpointKind endpoint, ReadOnlySpan<byte> requestBody, string responseModel, string? requestId) => null;
}

/// <summary>
/// The outcome of a request translation: success, or the field that cannot be mapped and why, with the answer it
/// gets (<see cref="Kind"/>, when it failed): <see cref="GatewayError.Untranslatable"/> (a 422) when the provider has
/// no equivalent, <see cref="GatewayError.MalformedRequest"/> (a 400) when the client's value cannot be read: text
/// that cannot be unescaped, or a value of a JSON type OpenAI's API does not allow there.
/// </summary>
internal readonly record struct TranslationResult(string? Error, string? Param, GatewayError Kind)
{
    public static TranslationResult Ok => default;

    public bool Succeeded => Error is null;

    public static TranslationResult Unsupported(string param, string message) => new(message, param, GatewayError.Untranslatable);

    public static TranslationResult Malformed(string param, string message) => new(message, param, GatewayError.MalformedRequest);

    /// <summary>
    /// A 400 for a field the translator reads whose JSON type is not one OpenAI's API allows there (or that is missing
    /// and required): <paramref name="expected"/> is what it must be, with its article (<c>a string</c>).
    /// </summary>
    public static TranslationResult WrongType(string param, string expected, JsonElement found) =>
        Malformed(param, JsonKinds.Mismatch(param, expected, found));
}
