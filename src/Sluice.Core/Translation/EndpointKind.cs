namespace Sluice.Translation;

/// <summary>The client-facing OpenAI endpoints Sluice serves.</summary>
internal enum EndpointKind
{
    ChatCompletions,
    Completions,
    Embeddings,
    Responses,
}

internal static class EndpointKindExtensions
{
    /// <summary>The path below the API prefix, as OpenAI and Azure name it.</summary>
    public static string PathSuffix(this EndpointKind kind) => kind switch
    {
        EndpointKind.ChatCompletions => "chat/completions",
        EndpointKind.Completions => "completions",
        EndpointKind.Responses => "responses",
        _ => "embeddings",
    };

    /// <summary>The gen_ai.operation.name of the OpenTelemetry GenAI conventions.</summary>
    public static string OperationName(this EndpointKind kind) => kind switch
    {
        EndpointKind.ChatCompletions => "chat",
        EndpointKind.Completions => "completion",
        EndpointKind.Responses => "responses",
        _ => "embeddings",
    };
}
