using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Buffers;
using Sluice.Simulator.Faults;
using Sluice.Simulator.Generation;
using Sluice.Simulator.Hosting;
using Sluice.Simulator.Requests;
using Sluice.Simulator.Requests.Bedrock;

namespace Sluice.Simulator.Endpoints.Bedrock;

/// <summary>
/// POST /model/{modelId}/converse: Bedrock's Converse answer (<c>output.message</c>, <c>stopReason</c>,
/// <c>usage</c>, <c>metrics</c>) with the same text and token counts the chat endpoint gives the same prompt.
/// </summary>
internal sealed class ConverseEndpoint(SimulatorRuntime runtime) : IJsonEndpoint<ConverseRequest>
{
    /// <summary>Bedrock names every request; Sluice uses the id as the chat completion's id.</summary>
    public const string RequestIdHeader = "x-amzn-RequestId";

    public bool TryParse(in ReadOnlySequence<byte> body, string? pathModel, [NotNullWhen(true)] out ConverseRequest? request, out RequestError error) =>
        ConverseRequestParser.TryParse(body, pathModel ?? string.Empty, out request, out error);

    public async Task RespondAsync(HttpContext context, FaultPlan faults, ConverseRequest request)
    {
        int naturalLength = runtime.NaturalLength(faults);
        var plan = CompletionPlan.Create(naturalLength, request.MaxTokens);
        double rate = runtime.TokensPerSecond(faults);
        long latencyMs = rate > 0 ? (long)(plan.Tokens * 1000 / rate) : 0;
        context.Response.Headers[RequestIdHeader] = NewRequestId();

        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(ConverseJsonNames.Output);
            writer.WriteStartObject(ConverseJsonNames.Message);
            writer.WriteString(ConverseJsonNames.Role, ConverseJsonNames.Assistant);
            writer.WriteStartArray(ConverseJsonNames.Content);
            writer.WriteStartObject();
            writer.WritePropertyName(ConverseJsonNames.Text);
            GeneratedText.WriteValue(writer, request.Seed, naturalLength, plan.Tokens);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteString(ConverseJsonNames.StopReason, ConverseJsonNames.StopReasonFor(plan));
            ConverseJsonNames.WriteUsageAndMetrics(writer, request.PromptTokens, plan.Tokens, latencyMs);
            writer.WriteEndObject();
        }

        await JsonResponse.SendAnswerAsync(context, runtime, faults, buffer, plan.Tokens);
    }

    /// <summary>A request id in Bedrock's form (a UUID).</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString();
}
