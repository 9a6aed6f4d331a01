using System.Text.Json;

namespace Sluice.Simulator.Endpoints;

/// <summary>Pre-encoded OpenAI property names and constant values.</summary>
internal static class JsonNames
{
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Object = JsonEncodedText.Encode("object");
    public static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    public static readonly JsonEncodedText Choices = JsonEncodedText.Encode("choices");
    public static readonly JsonEncodedText Index = JsonEncodedText.Encode("index");
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    public static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");
    public static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    public static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    public static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    public static readonly JsonEncodedText Refusal = JsonEncodedText.Encode("refusal");
    public static readonly JsonEncodedText Annotations = JsonEncodedText.Encode("annotations");
    public static readonly JsonEncodedText Logprobs = JsonEncodedText.Encode("logprobs");
    public static readonly JsonEncodedText FinishReason = JsonEncodedText.Encode("finish_reason");
    public static readonly JsonEncodedText ServiceTier = JsonEncodedText.Encode("service_tier");
    public static readonly JsonEncodedText SystemFingerprint = JsonEncodedText.Encode("system_fingerprint");
    public static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage");
    public static readonly JsonEncodedText PromptTokens = JsonEncodedText.Encode("prompt_tokens");
    public static readonly JsonEncodedText CompletionTokens = JsonEncodedText.Encode("completion_tokens");
    public static readonly JsonEncodedText TotalTokens = JsonEncodedText.Encode("total_tokens");
    public static readonly JsonEncodedText PromptTokensDetails = JsonEncodedText.Encode("prompt_tokens_details");
    public static readonly JsonEncodedText CompletionTokensDetails = JsonEncodedText.Encode("completion_tokens_details");
    public static readonly JsonEncodedText CachedTokens = JsonEncodedText.Encode("cached_tokens");
    public static readonly JsonEncodedText AudioTokens = JsonEncodedText.Encode("audio_tokens");
    public static readonly JsonEncodedText ReasoningTokens = JsonEncodedText.Encode("reasoning_tokens");
    public static readonly JsonEncodedText AcceptedPredictionTokens = JsonEncodedText.Encode("accepted_prediction_tokens");
    public static readonly JsonEncodedText RejectedPredictionTokens = JsonEncodedText.Encode("rejected_prediction_tokens");
    public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    public static readonly JsonEncodedText Embedding = JsonEncodedText.Encode("embedding");
    public static readonly JsonEncodedText OwnedBy = JsonEncodedText.Encode("owned_by");
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText Param = JsonEncodedText.Encode("param");
    public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");

    public static readonly JsonEncodedText ChatCompletionObject = JsonEncodedText.Encode("chat.completion");
    public static readonly JsonEncodedText ChatCompletionChunkObject = JsonEncodedText.Encode("chat.completion.chunk");
    public static readonly JsonEncodedText TextCompletionObject = JsonEncodedText.Encode("text_completion");
    public static readonly JsonEncodedText ListObject = JsonEncodedText.Encode("list");
    public static readonly JsonEncodedText EmbeddingObject = JsonEncodedText.Encode("embedding");
    public static readonly JsonEncodedText ModelObject = JsonEncodedText.Encode("model");
    public static readonly JsonEncodedText Assistant = JsonEncodedText.Encode("assistant");
    public static readonly JsonEncodedText DefaultTier = JsonEncodedText.Encode("default");
    public static readonly JsonEncodedText Stop = JsonEncodedText.Encode("stop");
    public static readonly JsonEncodedText Length = JsonEncodedText.Encode("length");
    public static readonly JsonEncodedText EmptyString = JsonEncodedText.Encode(string.Empty);
}
