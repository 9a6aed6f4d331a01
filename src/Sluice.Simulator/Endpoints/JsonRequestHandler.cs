using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Faults;
using Sluice.Simulator.Hosting;
using Sluice.Simulator.Requests;

namespace Sluice.Simulator.Endpoints;

/// <summary>The path every JSON POST endpoint shares: read the whole body, parse it, reject it or answer it.</summary>
internal static class JsonRequestHandler
{
    public static async Task HandleAsync<TRequest>(
        HttpContext context,
        SimulatorRuntime runtime,
        FaultPlan faults,
        IJsonEndpoint<TRequest> endpoint,
        string? pathModel,
        ErrorFormat errors)
        where TRequest : class
    {
        PipeReader bodyReader = context.Request.BodyReader;
        ReadResult body = await RequestBodyReader.ReadToEndAsync(bodyReader, context.RequestAborted);
        bool parsed = endpoint.TryParse(body.Buffer, pathModel, out TRequest? request, out RequestError error);
        bodyReader.AdvanceTo(body.Buffer.End);
        if (!parsed || request is null)
        {
            SimulatorLog.RequestRejected(runtime.Logger, context.Request.Method, context.Request.Path.Value, error.Status, error.Message);
            await ErrorResponder.WriteAsync(context, error, errors);
            return;
        }

        await endpoint.RespondAsync(context, faults, request);
    }
}
