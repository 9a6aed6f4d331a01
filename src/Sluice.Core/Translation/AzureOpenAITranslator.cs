namespace Sluice.Translation;

/// <summary>
/// Schema AzureOpenAI: <c>/openai/deployments/{deployment}/chat/completions?api-version={version}</c>, where the
/// deployment is the modelNameOverride or the request's model; the Responses API is <c>/openai/responses</c> with the
/// deployment in the body's model. The body is OpenAI's.
/// </summary>
internal sealed class AzureOpenAITranslator(string apiVersion) : BackendTranslator
{
    private readonly string _query = "?api-version=" + Uri.EscapeDataString(apiVersion);

    public override string ProviderName => "azure.openai";

    public override string BuildPathAndQuery(EndpointKind endpoint, string upstreamModel, bool stream) => endpoint == EndpointKind.Responses
        ? "/openai/responses" + _query
        : string.Concat("/openai/deployments/", Uri.EscapeDataString(upstreamModel), "/", endpoint.PathSuffix(), _query);
}
