namespace Sluice.Translation;

/// <summary>
/// Schema AzureOpenAI: <c>/openai/deployments/{deployment}/chat/completions?api-version={version}</c>, where the
/// deployment is the modelNameOverride or the request's model. The body is OpenAI's.
/// </summary>
internal sealed class AzureOpenAITranslator(string apiVersion) : BackendTranslator
{
    private readonly string _query = "?api-version=" + Uri.EscapeDataString(apiVersion);

    public override string ProviderName => "azure.openai";

    public override string BuildPathAndQuery(EndpointKind endpoint, string upstreamModel) =>
        string.Concat("/openai/deployments/", Uri.EscapeDataString(upstreamModel), "/", endpoint.PathSuffix(), _query);
}
