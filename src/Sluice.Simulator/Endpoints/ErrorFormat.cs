namespace Sluice.Simulator.Endpoints;

/// <summary>The error body a path answers with: the API it stands in for decides.</summary>
internal enum ErrorFormat
{
    /// <summary><c>{"error":{"message","type","param","code"}}</c>: the /v1 and Azure OpenAI paths.</summary>
    OpenAI,

    /// <summary><c>{"message"}</c> with the exception name in <c>x-amzn-ErrorType</c>: the Bedrock paths.</summary>
    Bedrock,
}
