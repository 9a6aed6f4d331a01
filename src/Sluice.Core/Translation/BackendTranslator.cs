namespace Sluice.Translation;

/// <summary>
/// Turns an OpenAI-shaped client request into the backend schema's request. OpenAI-family backends (OpenAI,
/// Azure OpenAI) take the body as is, so only the path differs; providers with other wire formats add body and
/// response translation on top.
/// </summary>
internal abstract class BackendTranslator
{
    /// <summary>gen_ai.provider.name for telemetry.</summary>
    public abstract string ProviderName { get; }

    /// <summary>The upstream path and query for a request to <paramref name="upstreamModel"/>.</summary>
    public abstract string BuildPathAndQuery(EndpointKind endpoint, string upstreamModel);

    /// <summary>The path and query when they do not depend on the model (then built into a URI once, at compile time).</summary>
    public virtual string? ModelIndependentPathAndQuery(EndpointKind endpoint) => null;
}
