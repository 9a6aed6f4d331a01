using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Faults;
using Sluice.Simulator.Requests;

namespace Sluice.Simulator.Endpoints;

/// <summary>
/// A POST endpoint with a JSON body: its parser and its answer. <see cref="JsonRequestHandler"/> runs what they
/// share (reading the body, rejecting it with the path's error format).
/// </summary>
internal interface IJsonEndpoint<TRequest>
    where TRequest : class
{
    /// <param name="pathModel">The model the path names (an Azure deployment, a Bedrock model id), if any.</param>
    bool TryParse(in ReadOnlySequence<byte> body, string? pathModel, [NotNullWhen(true)] out TRequest? request, out RequestError error);

    /// <summary>Answers a request that parsed; the pre-response faults have already passed.</summary>
    Task RespondAsync(HttpContext context, FaultPlan faults, TRequest request);
}
