using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Sluice.Simulator.Endpoints;
using Sluice.Simulator.Endpoints.Azure;
using Sluice.Simulator.Endpoints.Bedrock;
using Sluice.Simulator.Faults;

namespace Sluice.Simulator.Hosting;

/// <summary>The simulator's only middleware: common headers, routing, pre-response faults, then the endpoint.</summary>
internal sealed class RequestDispatcher
{
    private static readonly StringValues s_true = new("true");
    private static readonly StringValues s_false = new("false");

    private readonly SimulatorRuntime _runtime;
    private readonly IssuedTokens _issuedTokens = new();
    private readonly ChatCompletionsEndpoint _chat;
    private readonly CompletionsEndpoint _completions;
    private readonly EmbeddingsEndpoint _embeddings;
    private readonly ConverseEndpoint _converse;
    private readonly ConverseStreamEndpoint _converseStream;
    private readonly ManagedIdentityTokenEndpoint _managedIdentity;

    public RequestDispatcher(SimulatorRuntime runtime)
    {
        _runtime = runtime;
        _chat = new(runtime);
        _completions = new(runtime);
        _embeddings = new(runtime);
        _converse = new(runtime);
        _converseStream = new(runtime);
        _managedIdentity = new(runtime, _issuedTokens);
    }

    public async Task HandleAsync(HttpContext context)
    {
        _runtime.RequestStarted();
        try
        {
            await DispatchAsync(context);
        }
        finally
        {
            _runtime.RequestEnded();
        }
    }

    private Task DispatchAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        IHeaderDictionary responseHeaders = context.Response.Headers;
        responseHeaders[FaultHeaders.SawAuthorization] = request.Headers.ContainsKey(HeaderNames.Authorization) ? s_true : s_false;
        responseHeaders[FaultHeaders.SawApiKey] = request.Headers.ContainsKey("api-key") ? s_true : s_false;
        responseHeaders[FaultHeaders.SawCredential] = SeenCredential.Of(request.Headers, _issuedTokens);

        string path = request.Path.Value ?? string.Empty;
        RouteMatch match = SimulatorRoutes.Match(request.Method, path);
        switch (match.Route)
        {
            case SimulatorRoute.Health:
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync("OK");
            case SimulatorRoute.ManagedIdentityToken:
                return _managedIdentity.HandleAsync(context);
            case SimulatorRoute.NotFound:
                SimulatorLog.RequestRejected(_runtime.Logger, request.Method, path, StatusCodes.Status404NotFound, "no such endpoint");
                return ErrorResponder.WriteAsync(context, ErrorResponder.NotFound(request.Method, path));
            default:
                return HandleApiAsync(context, match, path);
        }
    }

    private async Task HandleApiAsync(HttpContext context, RouteMatch match, string path)
    {
        FaultPlan faults = FaultPlan.FromHeaders(context.Request.Headers);
        ErrorFormat errors = match.ErrorFormat;
        if (!await FaultInjector.TryPassAsync(context, faults, _runtime, errors))
        {
            return;
        }

        string? pathModel = match.NameIn(path);
        switch (match.Route)
        {
            case SimulatorRoute.ChatCompletions:
                await JsonRequestHandler.HandleAsync(context, _runtime, faults, _chat, pathModel, errors);
                break;
            case SimulatorRoute.Completions:
                await JsonRequestHandler.HandleAsync(context, _runtime, faults, _completions, pathModel, errors);
                break;
            case SimulatorRoute.Embeddings:
                await JsonRequestHandler.HandleAsync(context, _runtime, faults, _embeddings, pathModel, errors);
                break;
            case SimulatorRoute.BedrockConverse:
                await JsonRequestHandler.HandleAsync(context, _runtime, faults, _converse, pathModel, errors);
                break;
            case SimulatorRoute.BedrockConverseStream:
                await JsonRequestHandler.HandleAsync(context, _runtime, faults, _converseStream, pathModel, errors);
                break;
            case SimulatorRoute.Models:
                await ModelsEndpoint.ListAsync(context);
                break;
            default:
                await ModelsEndpoint.GetAsync(context, pathModel ?? string.Empty);
                break;
        }
    }
}
