using Microsoft.AspNetCore.Http;

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
}

/// <summary>A fixed route table; a switch is all five endpoints need.</summary>
internal static class SimulatorRoutes
{
    public const string ModelPrefix = "/v1/models/";

    public static SimulatorRoute Match(string method, string path)
    {
        if (HttpMethods.IsPost(method))
        {
            return path switch
            {
                "/v1/chat/completions" => SimulatorRoute.ChatCompletions,
                "/v1/completions" => SimulatorRoute.Completions,
                "/v1/embeddings" => SimulatorRoute.Embeddings,
                _ => SimulatorRoute.NotFound,
            };
        }

        if (HttpMethods.IsGet(method))
        {
            if (path == "/health")
            {
                return SimulatorRoute.Health;
            }

            if (path == "/v1/models")
            {
                return SimulatorRoute.Models;
            }

            if (path.Length > ModelPrefix.Length && path.StartsWith(ModelPrefix, StringComparison.Ordinal))
            {
                return SimulatorRoute.Model;
            }
        }

        return SimulatorRoute.NotFound;
    }
}
