using System.Text.Json;
using Sluice.Forwarding;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// Schema AWSBedrock: chat completions → Converse (<c>/model/{id}/converse</c>) or ConverseStream
/// (<c>/converse-stream</c>); embeddings → Titan text embeddings (<c>/model/{id}/invoke</c>). The model id is the
/// modelNameOverride or the request's model.
/// </summary>
internal sealed class BedrockTranslator(TimeProvider time) : BackendTranslator
{
    public override string ProviderName => "aws.bedrock";

    public override bool TranslatesBody => true;

    public override string? RefuseEndpoint(EndpointKind endpoint) => endpoint is EndpointKind.ChatCompletions or EndpointKind.Embeddings
        ? null
        : $"schema AWSBedrock serves /v1/chat/completions and /v1/embeddings, not /v1/{endpoint.PathSuffix()}";

    public override string BuildPathAndQuery(EndpointKind endpoint, string upstreamModel, bool stream) => endpoint == EndpointKind.Embeddings
        ? BedrockModelPath.For(upstreamModel, "invoke")
        : BedrockModelPath.For(upstreamModel, stream ? "converse-stream" : "converse");

    protected override TranslationResult WriteRequest(EndpointKind endpoint, ReadOnlyMemory<byte> body, string upstreamModel, PooledBufferWriter output)
    {
        using var document = JsonDocument.Parse(body);
        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        return endpoint == EndpointKind.Embeddings
            ? TitanEmbeddings.WriteRequest(document.RootElement, writer)
            : ConverseRequestWriter.Write(document.RootElement, upstreamModel, writer);
    }

    public override ResponseTranslator CreateResponseTranslator(EndpointKind endpoint, ReadOnlySpan<byte> requestBody, string responseModel, string? requestId)
    {
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        return endpoint == EndpointKind.Embeddings
            ? new TitanEmbeddingsResponseTranslator(responseModel, TitanEmbeddings.WantsBase64(requestBody))
            : new ConverseResponseTranslator(requestId ?? $"chatcmpl-{Guid.NewGuid():N}", responseModel, created);
    }
}
