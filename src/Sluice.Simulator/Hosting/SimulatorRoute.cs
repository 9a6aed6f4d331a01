using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Endpoints;

namespace Sluice.Simulator.Hosting;

internal enum SimulatorRoute
{
    NotFound,
    Health,
    ChatCompletions,
    Completions,
    Embeddings,
    Models,
    Model,
    BedrockConverse,
    BedrockConverseStream,
    ManagedIdentityToken,
}

/// <summary>
/// A fixed route table: exact paths in a switch, and plain prefix/suffix checks for the paths that carry a name
/// (no regex, no LINQ, no allocation): the Azure OpenAI deployment, the Bedrock model id, a /v1/models id.
/// </summary>
internal static class SimulatorRoutes
{
    public const string ModelPrefix = "/v1/models/";
    public const string AzureDeploymentPrefix = "/openai/deployments/";
    public const string BedrockModelPrefix = "/model/";
    public const string ManagedIdentityTokenPath = "/msi/token";

    public static RouteMatch Match(string method, string path)
    {
        if (HttpMethods.IsPost(method))
        {
            return path switch
            {
                "/v1/chat/completions" => new(SimulatorRoute.ChatCompletions),
                "/v1/completions" => new(SimulatorRoute.Completions),
                "/v1/embeddings" => new(SimulatorRoute.Embeddings),
                _ when path.StartsWith(AzureDeploymentPrefix, StringComparison.Ordinal) => MatchAzureDeployment(path),
                _ when path.StartsWith(BedrockModelPrefix, StringComparison.Ordinal) => MatchBedrockModel(path),
                _ => RouteMatch.None,
            };
        }

        if (HttpMethods.IsGet(method))
        {
            return path switch
            {
                "/health" => new(SimulatorRoute.Health),
                "/v1/models" => new(SimulatorRoute.Models),
                ManagedIdentityTokenPath => new(SimulatorRoute.ManagedIdentityToken),
                _ when path.Length > ModelPrefix.Length && path.StartsWith(ModelPrefix, StringComparison.Ordinal) =>
                    new(SimulatorRoute.Model, ModelPrefix.Length, path.Length - ModelPrefix.Length),
                _ => RouteMatch.None,
            };
        }

        return RouteMatch.None;
    }

    /// <summary>
    /// <c>/openai/deployments/{deployment}/chat/completions</c>, <c>/completions</c> or <c>/embeddings</c>, the
    /// paths Sluice's AzureOpenAI backend builds (the api-version query is not part of the path).
    /// </summary>
    private static RouteMatch MatchAzureDeployment(string path)
    {
        int start = AzureDeploymentPrefix.Length;
        int slash = path.IndexOf('/', start);
        if (slash <= start)
        {
            return RouteMatch.None;
        }

        SimulatorRoute route = path.AsSpan(slash + 1) switch
        {
            "chat/completions" => SimulatorRoute.ChatCompletions,
            "completions" => SimulatorRoute.Completions,
            "embeddings" => SimulatorRoute.Embeddings,
            _ => SimulatorRoute.NotFound,
        };
        return route == SimulatorRoute.NotFound ? RouteMatch.None : new RouteMatch(route, start, slash - start);
    }

    /// <summary>
    /// <c>/model/{modelId}/converse</c> or <c>/converse-stream</c>. The operation is the last segment: a model
    /// ARN's <c>/</c> arrives escaped as <c>%2F</c>, which Kestrel leaves in the path.
    /// </summary>
    private static RouteMatch MatchBedrockModel(string path)
    {
        int start = BedrockModelPrefix.Length;
        int slash = path.LastIndexOf('/');
        if (slash <= start)
        {
            return RouteMatch.None;
        }

        SimulatorRoute route = path.AsSpan(slash + 1) switch
        {
            "converse" => SimulatorRoute.BedrockConverse,
            "converse-stream" => SimulatorRoute.BedrockConverseStream,
            _ => SimulatorRoute.NotFound,
        };
        return route == SimulatorRoute.NotFound ? RouteMatch.None : new RouteMatch(route, start, slash - start);
    }
}

/// <summary>
/// A matched route and where its path names a model: the Azure deployment, the Bedrock model id or the
/// /v1/models id (length 0 when the path names none).
/// </summary>
internal readonly record struct RouteMatch(SimulatorRoute Route, int NameStart = 0, int NameLength = 0)
{
    public static readonly RouteMatch None = new(SimulatorRoute.NotFound);

    /// <summary>Bedrock paths answer errors in Bedrock's shape; every other path in OpenAI's.</summary>
    public ErrorFormat ErrorFormat => Route is SimulatorRoute.BedrockConverse or SimulatorRoute.BedrockConverseStream
        ? ErrorFormat.Bedrock
        : ErrorFormat.OpenAI;

    /// <summary>
    /// The name in <paramref name="path"/>, unescaped (Kestrel decodes everything but <c>%2F</c>, e.g. in an
    /// inference-profile ARN); null when the path names none.
    /// </summary>
    public string? NameIn(string path)
    {
        if (NameLength == 0)
        {
            return null;
        }

        string name = path.Substring(NameStart, NameLength);
        return name.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(name) : name;
    }
}
