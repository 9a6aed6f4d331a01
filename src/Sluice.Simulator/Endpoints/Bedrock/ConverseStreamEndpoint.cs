using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Faults;
using Sluice.Simulator.Generation;
using Sluice.Simulator.Hosting;
using Sluice.Simulator.Requests;
using Sluice.Simulator.Requests.Bedrock;
using Sluice.Simulator.Streaming;

namespace Sluice.Simulator.Endpoints.Bedrock;

/// <summary>
/// POST /model/{modelId}/converse-stream: an AWS event stream of <c>messageStart</c>, one
/// <c>contentBlockDelta</c> per token (paced like the SSE streams), <c>contentBlockStop</c>, <c>messageStop</c>
/// and <c>metadata</c> (usage and latency). x-sim-break-after and x-sim-stall-after count the deltas.
/// </summary>
internal sealed class ConverseStreamEndpoint(SimulatorRuntime runtime) : IJsonEndpoint<ConverseRequest>
{
    public bool TryParse(in ReadOnlySequence<byte> body, string? pathModel, [NotNullWhen(true)] out ConverseRequest? request, out RequestError error) =>
        ConverseRequestParser.TryParse(body, pathModel ?? string.Empty, out request, out error);

    public async Task RespondAsync(HttpContext context, FaultPlan faults, ConverseRequest request)
    {
        int naturalLength = runtime.NaturalLength(faults);
        var plan = CompletionPlan.Create(naturalLength, request.MaxTokens);
        context.Response.Headers[ConverseEndpoint.RequestIdHeader] = ConverseEndpoint.NewRequestId();
        using var session = new StreamSession(context, runtime, faults);
        session.Start(ConverseStreamFrames.ContentType);
        if (!await session.WriteFrameAsync(ConverseStreamFrames.MessageStart, 0))
        {
            return;
        }

        var generator = new TextGenerator(request.Seed, naturalLength);
        for (int i = 0; i < plan.Tokens; i++)
        {
            if (!await session.CheckpointAsync(i, final: false)
                || !await session.WriteFrameAsync(ConverseStreamFrames.Delta(generator.NextPiece()), i + 1))
            {
                return;
            }
        }

        if (!await session.CheckpointAsync(plan.Tokens, final: true)
            || !await session.WriteFrameAsync(ConverseStreamFrames.ContentBlockStop, plan.Tokens)
            || !await session.WriteFrameAsync(ConverseStreamFrames.MessageStop(plan), plan.Tokens))
        {
            return;
        }

        long latencyMs = (long)session.Elapsed.TotalMilliseconds;
        await session.WriteFrameAsync(ConverseStreamFrames.Metadata(request.PromptTokens, plan.Tokens, latencyMs), plan.Tokens);
    }
}
