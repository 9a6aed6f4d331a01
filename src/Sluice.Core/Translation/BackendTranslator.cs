using Sluice.Forwarding;

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

    /// <summary>Writes the upstream body for the OpenAI request <paramref name="body"/>; an error names the field that cannot be mapped.</summary>
    public virtual TranslationResult TranslateRequest(EndpointKind endpoint, ReadOnlyMemory<byte> body, string upstreamModel, PooledBufferWriter output) =>
        TranslationResult.Ok;

    /// <summary>A fresh translator for one response (streams keep state between reads).</summary>
    public virtual ResponseTranslator? CreateResponseTranslator(EndpointKind endpoint, ReadOnlySpan<byte> requestBody, string responseModel, string? requestId) => null;
}

/// <summary>The outcome of a request translation: success, or the field that cannot be mapped and why (a 422).</summary>
internal readonly record struct TranslationResult(string? Error, string? Param)
{
    public static TranslationResult Ok => default;

    public bool Succeeded => Error is null;

    public static TranslationResult Unsupported(string param, string message) => new(message, param);
}
