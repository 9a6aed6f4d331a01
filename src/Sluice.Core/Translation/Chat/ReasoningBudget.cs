namespace Sluice.Translation.Chat;

/// <summary>
/// OpenAI's <c>reasoning_effort</c> as an extended-thinking token budget for providers that take one (Anthropic):
/// minimal and low 1,024 (Anthropic's minimum), medium 4,096, high 16,384. A Sluice choice, documented in
/// docs/providers/aws-bedrock.md; clients that want another budget send <c>thinking</c> themselves.
/// </summary>
internal static class ReasoningBudget
{
    public static int? Tokens(string? effort) => effort switch
    {
        null => 1024,
        "minimal" or "low" => 1024,
        "medium" => 4096,
        "high" => 16384,
        _ => null,
    };
}
