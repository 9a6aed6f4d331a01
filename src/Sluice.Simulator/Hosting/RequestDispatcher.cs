using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Sluice.Simulator.Endpoints;
using Sluice.Simulator.Faults;

namespace Sluice.Simulator.Hosting;

/// <summary>The simulator's only middleware: common headers, routing, pre-response faults, then the endpoint.</summary>
internal sealed class RequestDispatcher(SimulatorRuntime runtime)
{
    private static readonly StringValues s_true = new("true");
    private static readonly StringValues s_false = new("false");

    private readonly ChatCompletionsEndpoint _chat = new(runtime);
    private readonly CompletionsEndpoint _completions = new(runtime);
    private readonly EmbeddingsEndpoint _embeddings = new(runtime);

    public async Task HandleAsync(HttpContext context)
    {
        runtime.RequestStarted();
        try
        {
            await DispatchAsync(context);
        }
        finally
        {
            runtime.RequestEnded();
        }
    }

    private Task DispatchAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        IHeaderDictionary responseHeaders = context.Response.Headers;
        responseHeaders[FaultHeaders.SawAuthorization] = request.Headers.ContainsKey(HeaderNames.Authorization) ? s_true : s_false;
        responseHeaders[FaultHeaders.SawApiKey] = request.Headers.ContainsKey("api-key") ? s_true : s_false;

        string path = request.Path.Value ?? string.Empty;
        SimulatorRoute route = SimulatorRoutes.Match(request.Method, path);
        switch (route)
        {
            case SimulatorRoute.Health:
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync("OK");
            case SimulatorRoute.NotFound:
                SimulatorLog.RequestRejected(runtime.Logger, request.Method, path, StatusCodes.Status404NotFound, "no such endpoint");
                return ErrorResponder.WriteAsync(context, ErrorResponder.NotFound(request.Method, path));
            default:
                return HandleApiAsync(context, route, path);
        }
    }

    private async Task HandleApiAsync(HttpContext context, SimulatorRoute route, string path)
    {
        FaultPlan faults = FaultPlan.FromHeaders(context.Request.Headers);
        if (!await FaultInjector.TryPassAsync(context, faults, runtime))
        {
            return;
        }

        switch (route)
        {
            case SimulatorRoute.ChatCompletions:
                await JsonRequestHandler.HandleAsync(context, runtime, faults, _chat);
                break;
            case SimulatorRoute.Completions:
                await JsonRequestHandler.HandleAsync(context, runtime, faults, _completions);
                break;
            case SimulatorRoute.Embeddings:
                await JsonRequestHandler.HandleAsync(context, runtime, faults, _embeddings);
                break;
            case SimulatorRoute.Models:
                await ModelsEndpoint.ListAsync(context);
                break;
            default:
                await ModelsEndpoint.GetAsync(context, Uri.UnescapeDataString(path[SimulatorRoutes.ModelPrefix.Length..]));
                break;
        }
    }
}
