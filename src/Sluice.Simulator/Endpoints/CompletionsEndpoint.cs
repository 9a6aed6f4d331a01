using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Buffers;
using Sluice.Simulator.Faults;
using Sluice.Simulator.Generation;
using Sluice.Simulator.Hosting;
using Sluice.Simulator.Requests;
using Sluice.Simulator.Streaming;

namespace Sluice.Simulator.Endpoints;

/// <summary>
/// POST /v1/completions: a <c>text_completion</c> with one choice per prompt. Streamed, each chunk carries one
/// token of one choice, and a choice's last chunk carries its finish_reason (as api.openai.com does; there is no
/// separate finish chunk and no role chunk).
/// </summary>
internal sealed class CompletionsEndpoint(SimulatorRuntime runtime) : IJsonEndpoint<CompletionRequest>
{
    public bool TryParse(in ReadOnlySequence<byte> body, string? pathModel, [NotNullWhen(true)] out CompletionRequest? request, out RequestError error) =>
        CompletionRequestParser.TryParse(body, pathModel, out request, out error);

    public async Task RespondAsync(HttpContext context, FaultPlan faults, CompletionRequest request)
    {
        int naturalLength = runtime.NaturalLength(faults);
        var plan = CompletionPlan.Create(naturalLength, request.MaxTokens);
        var meta = ResponseMeta.Create(ResponseMeta.CompletionIdPrefix, request.Model, runtime.UnixTimeSeconds);
        int completionTokens = plan.Tokens * request.Prompts.Count;
        if (request.Stream)
        {
            await StreamAsync(context, faults, request, meta, plan, naturalLength);
            return;
        }

        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(JsonNames.Id, meta.Id);
            writer.WriteString(JsonNames.Object, JsonNames.TextCompletionObject);
            writer.WriteNumber(JsonNames.Created, meta.Created);
            writer.WriteString(JsonNames.Model, meta.Model);
            writer.WriteStartArray(JsonNames.Choices);
            for (int i = 0; i < request.Prompts.Count; i++)
            {
                writer.WriteStartObject();
                writer.WritePropertyName(JsonNames.Text);
                GeneratedText.WriteValue(writer, request.Prompts[i].Seed, naturalLength, plan.Tokens);
                writer.WriteNumber(JsonNames.Index, i);
                writer.WriteNull(JsonNames.Logprobs);
                writer.WriteString(JsonNames.FinishReason, GeneratedText.FinishReason(plan));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            UsageJson.WriteCompletion(writer, request.PromptTokens, completionTokens);
            writer.WriteEndObject();
        }

        await JsonResponse.SendAnswerAsync(context, runtime, faults, buffer, completionTokens);
    }

    private async Task StreamAsync(
        HttpContext context,
        FaultPlan faults,
        CompletionRequest request,
        ResponseMeta meta,
        CompletionPlan plan,
        int naturalLength)
    {
        using var session = new StreamSession(context, runtime, faults);
        session.Start();
        JsonEncodedText finishReason = GeneratedText.FinishReason(plan);
        int sent = 0;
        for (int choice = 0; choice < request.Prompts.Count; choice++)
        {
            var generator = new TextGenerator(request.Prompts[choice].Seed, naturalLength);

            // An empty answer (max_tokens: 0) still gets one chunk to carry its finish_reason.
            int chunks = Math.Max(plan.Tokens, 1);
            for (int i = 0; i < chunks; i++)
            {
                if (!await session.CheckpointAsync(sent, final: false))
                {
                    return;
                }

                JsonEncodedText text = plan.Tokens == 0 ? JsonNames.EmptyString : Vocabulary.Json(generator.NextPiece());
                bool last = i == chunks - 1;
                WriteChunk(session.BeginEvent(), meta, choice, text, last ? finishReason : null, request.IncludeUsage);
                sent += plan.Tokens == 0 ? 0 : 1;
                if (!await session.EndEventAsync(sent))
                {
                    return;
                }
            }
        }

        if (!await session.CheckpointAsync(sent, final: true))
        {
            return;
        }

        if (request.IncludeUsage)
        {
            Utf8JsonWriter writer = session.BeginEvent();
            writer.WriteStartObject();
            writer.WriteString(JsonNames.Id, meta.Id);
            writer.WriteString(JsonNames.Object, JsonNames.TextCompletionObject);
            writer.WriteNumber(JsonNames.Created, meta.Created);
            writer.WriteString(JsonNames.Model, meta.Model);
            UsageJson.WriteCompletion(writer, request.PromptTokens, sent);
            writer.WriteStartArray(JsonNames.Choices);
            writer.WriteEndArray();
            writer.WriteEndObject();
            if (!await session.EndEventAsync(sent))
            {
                return;
            }
        }

        await session.WriteDoneAsync(sent);
    }

    private static void WriteChunk(
        Utf8JsonWriter writer,
        in ResponseMeta meta,
        int choice,
        JsonEncodedText text,
        JsonEncodedText? finishReason,
        bool includeUsage)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Id, meta.Id);
        writer.WriteString(JsonNames.Object, JsonNames.TextCompletionObject);
        writer.WriteNumber(JsonNames.Created, meta.Created);
        writer.WriteStartArray(JsonNames.Choices);
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Text, text);
        writer.WriteNumber(JsonNames.Index, choice);
        writer.WriteNull(JsonNames.Logprobs);
        if (finishReason is JsonEncodedText reason)
        {
            writer.WriteString(JsonNames.FinishReason, reason);
        }
        else
        {
            writer.WriteNull(JsonNames.FinishReason);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString(JsonNames.Model, meta.Model);
        if (includeUsage)
        {
            writer.WriteNull(JsonNames.Usage);
        }

        writer.WriteEndObject();
    }
}
