namespace Sluice.Translation;

/// <summary>Schema OpenAI: <c>{prefix}/chat/completions</c> with prefix default <c>/v1</c> (e.g. <c>/openai/v1</c> for Azure's v1 API).</summary>
internal sealed class OpenAITranslator : BackendTranslator
{
    private readonly string _chat;
    private readonly string _completions;
    private readonly string _embeddings;
    private readonly string _responses;

    public OpenAITranslator(string? prefix, string providerName = "openai")
    {
        var normalized = "/" + (string.IsNullOrWhiteSpace(prefix) ? "v1" : prefix.Trim('/'));
        if (normalized == "/")
        {
            normalized = string.Empty;
        }

        Prefix = normalized;
        ProviderName = providerName;
        _chat = $"{normalized}/chat/completions";
        _completions = $"{normalized}/completions";
        _embeddings = $"{normalized}/embeddings";
        _responses = $"{normalized}/responses";
    }

    public string Prefix { get; }

    public override string ProviderName { get; }

    public override string BuildPathAndQuery(EndpointKind endpoint, string upstreamModel, bool stream) => endpoint switch
    {
        EndpointKind.ChatCompletions => _chat,
        EndpointKind.Completions => _completions,
        EndpointKind.Responses => _responses,
        _ => _embeddings,
    };

    public override string? ModelIndependentPathAndQuery(EndpointKind endpoint) => BuildPathAndQuery(endpoint, string.Empty, stream: false);
}
