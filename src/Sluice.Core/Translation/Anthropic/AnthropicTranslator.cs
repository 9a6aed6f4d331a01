using System.Text.Json;
using Sluice.Forwarding;
using Sluice.Translation.Bedrock;

namespace Sluice.Translation.Anthropic;

/// <summary>
/// Schema AWSAnthropic: chat completions → Bedrock InvokeModel (<c>/model/{id}/invoke</c>) or
/// InvokeModelWithResponseStream (<c>/invoke-with-response-stream</c>) with the Anthropic Messages body;
/// <c>version</c> is the body's <c>anthropic_version</c> (default <c>bedrock-2023-05-31</c>).
/// </summary>
internal sealed class AnthropicTranslator(string? version, TimeProvider time) : BackendTranslator
{
    public const string DefaultVersion = "bedrock-2023-05-31";

    private readonly string _version = string.IsNullOrWhiteSpace(version) ? DefaultVersion : version;

    public override string ProviderName => "aws.anthropic";

    public override bool TranslatesBody => true;

    public override string? RefuseEndpoint(EndpointKind endpoint) => endpoint == EndpointKind.ChatCompletions
        ? null
        : $"schema AWSAnthropic serves /v1/chat/completions, not /v1/{endpoint.PathSuffix()}";

    public override string BuildPathAndQuery(EndpointKind endpoint, string upstreamModel, bool stream) =>
        BedrockModelPath.For(upstreamModel, stream ? "invoke-with-response-stream" : "invoke");

    protected override TranslationResult WriteRequest(EndpointKind endpoint, ReadOnlyMemory<byte> body, string upstreamModel, PooledBufferWriter output)
    {
        using var document = JsonDocument.Parse(body);
        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        return AnthropicRequestWriter.Write(document.RootElement, _version, writer);
    }

    public override ResponseTranslator CreateResponseTranslator(EndpointKind endpoint, ReadOnlySpan<byte> requestBody, string responseModel, string? requestId) =>
        new AnthropicResponseTranslator(requestId ?? $"chatcmpl-{Guid.NewGuid():N}", responseModel, time.GetUtcNow().ToUnixTimeSeconds());
}
