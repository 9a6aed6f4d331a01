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

/// <summary>POST /v1/chat/completions: a <c>chat.completion</c>, or <c>chat.completion.chunk</c> events.</summary>
internal sealed class ChatCompletionsEndpoint(SimulatorRuntime runtime) : IJsonEndpoint<ChatCompletionRequest>
{
    public bool TryParse(in ReadOnlySequence<byte> body, string? pathModel, [NotNullWhen(true)] out ChatCompletionRequest? request, out RequestError error) =>
        ChatCompletionRequestParser.TryParse(body, pathModel, out request, out error);

    public async Task RespondAsync(HttpContext context, FaultPlan faults, ChatCompletionRequest request)
    {
        int naturalLength = runtime.NaturalLength(faults);
        var plan = CompletionPlan.Create(naturalLength, request.MaxTokens);
        var meta = ResponseMeta.Create(ResponseMeta.ChatIdPrefix, request.Model, runtime.UnixTimeSeconds);
        if (request.Stream)
        {
            await StreamAsync(context, faults, request, meta, plan, naturalLength);
            return;
        }

        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCompletion(writer, meta, request, plan, naturalLength);
        }

        await JsonResponse.SendAnswerAsync(context, runtime, faults, buffer, plan.Tokens);
    }

    private static void WriteCompletion(
        Utf8JsonWriter writer,
        in ResponseMeta meta,
        ChatCompletionRequest request,
        CompletionPlan plan,
        int naturalLength)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Id, meta.Id);
        writer.WriteString(JsonNames.Object, JsonNames.ChatCompletionObject);
        writer.WriteNumber(JsonNames.Created, meta.Created);
        writer.WriteString(JsonNames.Model, meta.Model);
        writer.WriteStartArray(JsonNames.Choices);
        writer.WriteStartObject();
        writer.WriteNumber(JsonNames.Index, 0);
        writer.WriteStartObject(JsonNames.Message);
        writer.WriteString(JsonNames.Role, JsonNames.Assistant);
        writer.WritePropertyName(JsonNames.Content);
        GeneratedText.WriteValue(writer, request.Seed, naturalLength, plan.Tokens);
        writer.WriteNull(JsonNames.Refusal);
        writer.WriteStartArray(JsonNames.Annotations);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteNull(JsonNames.Logprobs);
        writer.WriteString(JsonNames.FinishReason, GeneratedText.FinishReason(plan));
        writer.WriteEndObject();
        writer.WriteEndArray();
        UsageJson.WriteChat(writer, request.PromptTokens, plan.Tokens);
        writer.WriteString(JsonNames.ServiceTier, JsonNames.DefaultTier);
        writer.WriteNull(JsonNames.SystemFingerprint);
        writer.WriteEndObject();
    }

    private async Task StreamAsync(
        HttpContext context,
        FaultPlan faults,
        ChatCompletionRequest request,
        ResponseMeta meta,
        CompletionPlan plan,
        int naturalLength)
    {
        using var session = new StreamSession(context, runtime, faults);
        session.Start();
        bool includeUsage = request.IncludeUsage;

        Utf8JsonWriter writer = session.BeginEvent();
        WriteChunkStart(writer, meta);
        writer.WriteStartObject(JsonNames.Delta);
        writer.WriteString(JsonNames.Role, JsonNames.Assistant);
        writer.WriteString(JsonNames.Content, JsonNames.EmptyString);
        writer.WriteNull(JsonNames.Refusal);
        writer.WriteEndObject();
        WriteChunkEnd(writer, finishReason: null, includeUsage);
        if (!await session.EndEventAsync(0))
        {
            return;
        }

        var generator = new TextGenerator(request.Seed, naturalLength);
        for (int i = 0; i < plan.Tokens; i++)
        {
            if (!await session.CheckpointAsync(i, final: false))
            {
                return;
            }

            writer = session.BeginEvent();
            WriteChunkStart(writer, meta);
            writer.WriteStartObject(JsonNames.Delta);
            writer.WriteString(JsonNames.Content, Vocabulary.Json(generator.NextPiece()));
            writer.WriteEndObject();
            WriteChunkEnd(writer, finishReason: null, includeUsage);
            if (!await session.EndEventAsync(i + 1))
            {
                return;
            }
        }

        if (!await session.CheckpointAsync(plan.Tokens, final: true))
        {
            return;
        }

        writer = session.BeginEvent();
        WriteChunkStart(writer, meta);
        writer.WriteStartObject(JsonNames.Delta);
        writer.WriteEndObject();
        WriteChunkEnd(writer, GeneratedText.FinishReason(plan), includeUsage);
        if (!await session.EndEventAsync(plan.Tokens))
        {
            return;
        }

        if (includeUsage)
        {
            writer = session.BeginEvent();
            WriteChunkHeader(writer, meta);
            writer.WriteEndArray();
            UsageJson.WriteChat(writer, request.PromptTokens, plan.Tokens);
            writer.WriteEndObject();
            if (!await session.EndEventAsync(plan.Tokens))
            {
                return;
            }
        }

        await session.WriteDoneAsync(plan.Tokens);
    }

    /// <summary>Opens a chunk up to the open choice object, ready for "delta".</summary>
    private static void WriteChunkStart(Utf8JsonWriter writer, in ResponseMeta meta)
    {
        WriteChunkHeader(writer, meta);
        writer.WriteStartObject();
        writer.WriteNumber(JsonNames.Index, 0);
    }

    /// <summary>Opens a chunk up to its open "choices" array: the fields every chunk of one stream repeats.</summary>
    private static void WriteChunkHeader(Utf8JsonWriter writer, in ResponseMeta meta)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Id, meta.Id);
        writer.WriteString(JsonNames.Object, JsonNames.ChatCompletionChunkObject);
        writer.WriteNumber(JsonNames.Created, meta.Created);
        writer.WriteString(JsonNames.Model, meta.Model);
        writer.WriteString(JsonNames.ServiceTier, JsonNames.DefaultTier);
        writer.WriteNull(JsonNames.SystemFingerprint);
        writer.WriteStartArray(JsonNames.Choices);
    }

    /// <summary>Closes the choice and the chunk; with include_usage every chunk carries "usage": null.</summary>
    private static void WriteChunkEnd(Utf8JsonWriter writer, JsonEncodedText? finishReason, bool includeUsage)
    {
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
        if (includeUsage)
        {
            writer.WriteNull(JsonNames.Usage);
        }

        writer.WriteEndObject();
    }
}
