namespace Sluice.Translation.Bedrock;

/// <summary>
/// Bedrock runtime paths: <c>/model/{modelId}/{operation}</c> with the model id (or inference profile / model ARN,
/// whose <c>:</c> and <c>/</c> must not split the path) escaped as one path segment.
/// </summary>
internal static class BedrockModelPath
{
    public static string For(string modelId, string operation) => string.Concat("/model/", Uri.EscapeDataString(modelId), "/", operation);
}
