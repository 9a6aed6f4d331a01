using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;
using Sluice.RateLimiting;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>
/// Valid JSON with a field of the wrong type, or a required one missing, in requests and in provider answers, through
/// every backend schema: never a 500. A translated request (AWSBedrock, AWSAnthropic) is a 400 naming the field; the
/// OpenAI passthrough forwards what Sluice does not read, so the upstream answers its own error; a provider answer
/// that is not what the provider sends is a 502, or the corrupt-stream event once a stream has started.
/// </summary>
public sealed class WrongTypedFieldsTests(WrongTypedFieldsGateway gateway) : IClassFixture<WrongTypedFieldsGateway>
{
    private const string Hi = """[{"role":"user","content":"hi"}]""";

    public static TheoryData<string, string> ChatRequests() => new()
    {
        { """{"model":"MODEL","messages":{"role":"user","content":"hi"}}""", "messages" },
        { """{"model":"MODEL","messages":"hi"}""", "messages" },
        { """{"model":"MODEL"}""", "messages" },
        { """{"model":"MODEL","messages":[5]}""", "messages[0]" },
        { """{"model":"MODEL","messages":[{"role":5,"content":"hi"}]}""", "messages[0].role" },
        { """{"model":"MODEL","messages":[{"content":"hi"}]}""", "messages[0].role" },
        { """{"model":"MODEL","messages":[{"role":"user","content":5}]}""", "messages[0].content" },
        { """{"model":"MODEL","messages":[{"role":"user"}]}""", "messages[0].content" },
        { """{"model":"MODEL","messages":[{"role":"user","content":[5]}]}""", "messages[0].content[0]" },
        { """{"model":"MODEL","messages":[{"role":"user","content":[{"type":5}]}]}""", "messages[0].content[0].type" },
        { """{"model":"MODEL","messages":[{"role":"user","content":[{"type":"text","text":5}]}]}""", "messages[0].content[0].text" },
        { """{"model":"MODEL","messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages[0].content[0].text" },
        { """{"model":"MODEL","messages":[{"role":"user","content":[{"type":"image_url","image_url":"data:image/png;base64,AA=="}]}]}""", "messages[0].content[0].image_url" },
        { """{"model":"MODEL","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":5}}]}]}""", "messages[0].content[0].image_url.url" },
        { """{"model":"MODEL","messages":[{"role":"system","content":{}},{"role":"user","content":"hi"}]}""", "messages[0].content" },
        { """{"model":"MODEL","messages":[{"role":"system","content":[{"type":"text","text":5}]},{"role":"user","content":"hi"}]}""", "messages[0].content[0].text" },
        { """{"model":"MODEL","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"a","tool_calls":"x"}]}""", "messages[1].tool_calls" },
        { """{"model":"MODEL","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[5]}]}""", "messages[1].tool_calls[0]" },
        { """{"model":"MODEL","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":5,"type":"function","function":{"name":"f","arguments":"{}"}}]}]}""", "messages[1].tool_calls[0].id" },
        { """{"model":"MODEL","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":"f"}]}]}""", "messages[1].tool_calls[0].function" },
        { """{"model":"MODEL","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"arguments":"{}"}}]}]}""", "messages[1].tool_calls[0].function.name" },
        { """{"model":"MODEL","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":{"a":1}}}]}]}""", "messages[1].tool_calls[0].function.arguments" },
        { """{"model":"MODEL","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":5,"content":"r"}]}""", "messages[1].tool_call_id" },
        { """{"model":"MODEL","messages":[{"role":"user","content":"hi"},{"role":"tool","content":"r"}]}""", "messages[1].tool_call_id" },
        { """{"model":"MODEL","tools":"x","messages":HI}""", "tools" },
        { """{"model":"MODEL","tools":[5],"messages":HI}""", "tools[0]" },
        { """{"model":"MODEL","tools":[{"type":5}],"messages":HI}""", "tools[0].type" },
        { """{"model":"MODEL","tools":[{"type":"function","function":{"name":5}}],"messages":HI}""", "tools[0].function.name" },
        { """{"model":"MODEL","tools":[{"type":"function","function":{"name":"f","parameters":"x"}}],"messages":HI}""", "tools[0].function.parameters" },
        { """{"model":"MODEL","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":5,"messages":HI}""", "tool_choice" },
        { """{"model":"MODEL","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":5},"messages":HI}""", "tool_choice.type" },
        { """{"model":"MODEL","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":5}},"messages":HI}""", "tool_choice.function.name" },
        { """{"model":"MODEL","max_tokens":"10","messages":HI}""", "max_tokens" },
        { """{"model":"MODEL","max_completion_tokens":1.5,"messages":HI}""", "max_completion_tokens" },
        { """{"model":"MODEL","temperature":"hot","messages":HI}""", "temperature" },
        { """{"model":"MODEL","top_p":[],"messages":HI}""", "top_p" },
        { """{"model":"MODEL","stop":5,"messages":HI}""", "stop" },
        { """{"model":"MODEL","stop":["a",5],"messages":HI}""", "stop[1]" },
        { """{"model":"MODEL","stream":"yes","messages":HI}""", "stream" },
        { """{"model":"MODEL","stream":true,"stream_options":"x","messages":HI}""", "stream_options" },
        { """{"model":"MODEL","reasoning_effort":5,"messages":HI}""", "reasoning_effort" },
        { """{"model":"MODEL","response_format":"text","messages":HI}""", "response_format" },
        { """{"model":"MODEL","response_format":{"type":5},"messages":HI}""", "response_format.type" },
        { """{"model":"MODEL","n":"1","messages":HI}""", "n" },
        { """{"model":"MODEL","user":5,"messages":HI}""", "user" },
        { """{"model":"MODEL","thinking":"x","messages":HI}""", "thinking" },
    };

    public static TheoryData<string, string> EmbeddingsRequests() => new()
    {
        { """{"model":"MODEL","input":5}""", "input" },
        { """{"model":"MODEL","input":{}}""", "input" },
        { """{"model":"MODEL"}""", "input" },
        { """{"model":"MODEL","input":"x","encoding_format":5}""", "encoding_format" },
        { """{"model":"MODEL","input":"x","dimensions":"x"}""", "dimensions" },
    };

    /// <summary>Bodies an OpenAI-schema backend gets as sent: Sluice reads only the model, stream options and token bounds.</summary>
    public static TheoryData<string, string> PassthroughRequests() => new()
    {
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","stream":"yes","messages":HI}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","stream":1,"messages":HI}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","stream":null,"stream_options":5,"messages":HI}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","max_tokens":"10","messages":HI}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","max_completion_tokens":{},"max_tokens":[1],"messages":HI}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","max_tokens":1e30,"messages":HI}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","max_tokens":-1.5,"messages":HI}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","messages":{"role":"user","content":"hi"}}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","messages":5}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":5}]}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":{}}]}]}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"tool","tool_call_id":5,"content":"r"}]}""" },
        { "/v1/chat/completions", """{"model":"gpt-4o-mini","tools":"x","temperature":"hot","stop":5,"messages":HI}""" },
        { "/v1/completions", """{"model":"gpt-4o-mini","prompt":5,"max_tokens":"x"}""" },
        { "/v1/completions", """{"model":"gpt-4o-mini","prompt":{"text":"hi"}}""" },
        { "/v1/completions", """{"model":"gpt-4o-mini","prompt":[[1,2]],"stream":"true"}""" },
        { "/v1/embeddings", """{"model":"gpt-4o-mini","input":5}""" },
        { "/v1/embeddings", """{"model":"gpt-4o-mini","input":{},"encoding_format":5,"dimensions":"x"}""" },
        { "/v1/responses", """{"model":"gpt-4o-mini","input":5,"max_output_tokens":"x"}""" },
        { "/v1/responses", """{"model":"gpt-4o-mini","input":[{"role":"user","content":5}],"stream":"x"}""" },
    };

    /// <summary>Streamed passthrough requests: Sluice adds <c>stream_options.include_usage</c>, whatever the client's stream options hold.</summary>
    public static TheoryData<string> StreamedPassthroughRequests() => new()
    {
        """{"model":"gpt-4o-mini","stream":true,"stream_options":"x","messages":HI}""",
        """{"model":"gpt-4o-mini","stream":true,"stream_options":[true],"messages":HI}""",
        """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":"yes"},"max_tokens":"9","messages":{"x":1}}""",
    };

    /// <summary>Converse and Anthropic Messages answers that are not what the provider sends.</summary>
    public static TheoryData<string, string> Answers() => new()
    {
        { WrongTypedFieldsGateway.Nova, """{"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"usage":{"inputTokens":1,"outputTokens":1}}""" },
        { WrongTypedFieldsGateway.Nova, """{"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":5}""" },
        { WrongTypedFieldsGateway.Nova, """{"output":{"message":{"role":"assistant","content":[{"text":5}]}},"stopReason":"end_turn"}""" },
        { WrongTypedFieldsGateway.Nova, """{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":5,"name":"f","input":{}}}]}},"stopReason":"tool_use"}""" },
        { WrongTypedFieldsGateway.Nova, """{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"t","input":{}}}]}},"stopReason":"tool_use"}""" },
        { WrongTypedFieldsGateway.Nova, """{"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":{"inputTokens":1.5}}""" },
        { WrongTypedFieldsGateway.Claude, """{"id":"msg_1","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":1,"output_tokens":1}}""" },
        { WrongTypedFieldsGateway.Claude, """{"id":"msg_1","content":[{"type":5,"text":"hi"}],"stop_reason":"end_turn"}""" },
        { WrongTypedFieldsGateway.Claude, """{"id":"msg_1","content":[{"type":"text"}],"stop_reason":"end_turn"}""" },
        { WrongTypedFieldsGateway.Claude, """{"id":"msg_1","content":[{"type":"tool_use","name":"f","input":{}}],"stop_reason":"tool_use"}""" },
        { WrongTypedFieldsGateway.Claude, """{"id":"msg_1","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"output_tokens":"2"}}""" },
    };

    /// <summary>Streams whose second event is not what the provider sends (the first is a good messageStart), and why.</summary>
    public static TheoryData<string, string, string, string> StreamEvents() => new()
    {
        { WrongTypedFieldsGateway.Nova, "messageStop", """{}""", "stopReason is required: a string" },
        { WrongTypedFieldsGateway.Nova, "messageStop", """{"stopReason":5}""", "stopReason must be a string, not a number" },
        { WrongTypedFieldsGateway.Nova, "contentBlockStart", """{"contentBlockIndex":"0","start":{"toolUse":{"toolUseId":"t","name":"f"}}}""", "contentBlockIndex must be an integer, not a string" },
        { WrongTypedFieldsGateway.Nova, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":5}}""", "text must be a string, not a number" },
        { WrongTypedFieldsGateway.Nova, "metadata", """{"usage":{"inputTokens":1.5}}""", "usage holds a token count that is not a whole number" },
        { WrongTypedFieldsGateway.Claude, "chunk", """{"type":5}""", "type must be a string, not a number" },
        { WrongTypedFieldsGateway.Claude, "chunk", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":5,"name":"f"}}""", "id must be a string, not a number" },
        { WrongTypedFieldsGateway.Claude, "chunk", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":null}}""", "text must be a string, not null" },
        { WrongTypedFieldsGateway.Claude, "chunk", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1.5}}""", "usage holds a token count that is not a whole number" },
    };

    [Theory]
    [MemberData(nameof(ChatRequests))]
    public Task BedrockChat_WrongTypedOrMissingField_Is400NamingIt(string request, string param) =>
        AssertRefusedAsync("/v1/chat/completions", WrongTypedFieldsGateway.Nova, request, param);

    [Theory]
    [MemberData(nameof(ChatRequests))]
    public Task AnthropicChat_WrongTypedOrMissingField_Is400NamingIt(string request, string param) =>
        AssertRefusedAsync("/v1/chat/completions", WrongTypedFieldsGateway.Claude, request, param);

    [Theory]
    [MemberData(nameof(EmbeddingsRequests))]
    public Task TitanEmbeddings_WrongTypedOrMissingField_Is400NamingIt(string request, string param) =>
        AssertRefusedAsync("/v1/embeddings", WrongTypedFieldsGateway.Titan, request, param);

    [Theory]
    [MemberData(nameof(PassthroughRequests))]
    public async Task OpenAIPassthrough_WrongTypedFields_ReachTheUpstreamUnchanged(string path, string request)
    {
        var body = request.Replace("HI", Hi, StringComparison.Ordinal);

        using var response = await gateway.Gateway.Client.SendAsync(Post(path, body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Contains(gateway.OpenAI.Requests, r => r.PathAndQuery == path && r.BodyText == body);
    }

    [Theory]
    [MemberData(nameof(StreamedPassthroughRequests))]
    public async Task OpenAIPassthrough_StreamWithWrongTypedStreamOptions_StreamsWithUsage(string request)
    {
        var body = request.Replace("HI", Hi, StringComparison.Ordinal);

        using var response = await gateway.Gateway.Client.SendAsync(Post("/v1/chat/completions", body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"usage\"", text, StringComparison.Ordinal); // the usage chunk Sluice asked for is held back
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task TranslatedAnswer_NotWhatTheProviderSends_Is502(string model, string answer)
    {
        using var request = Post("/v1/chat/completions", $$"""{"model":"{{model}}","messages":{{Hi}}}""");
        request.Headers.Add(WrongTypedFieldsGateway.AnswerHeader, Convert.ToBase64String(Encoding.UTF8.GetBytes(answer)));

        using var response = await gateway.Gateway.Client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, $"{(int)response.StatusCode}: {text}");
        var error = await ReadError(response);
        Assert.Equal("upstream_error", error.GetProperty("type").GetString());
        Assert.Contains("with a body that is not the expected application/json response", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TitanAnswer_EmbeddingThatIsNotNumbers_Is502()
    {
        using var request = Post("/v1/embeddings", $$"""{"model":"{{WrongTypedFieldsGateway.Titan}}","input":"hi","encoding_format":"base64"}""");
        request.Headers.Add(WrongTypedFieldsGateway.AnswerHeader, Convert.ToBase64String("""{"embedding":["x"],"inputTextTokenCount":1}"""u8));

        using var response = await gateway.Gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", (await ReadError(response)).GetProperty("type").GetString());
    }

    [Theory]
    [MemberData(nameof(StreamEvents))]
    public async Task TranslatedStream_EventNotWhatTheProviderSends_EndsWithTheCorruptStreamEventNamingTheField(string model, string eventType, string payload, string problem)
    {
        using var request = Post("/v1/chat/completions", $$"""{"model":"{{model}}","stream":true,"messages":{{Hi}}}""");
        var start = model == WrongTypedFieldsGateway.Nova ? ("messageStart", """{"role":"assistant"}""") : ("chunk", """{"type":"message_start","message":{"id":"msg_1","role":"assistant","usage":{"input_tokens":3}}}""");
        request.Headers.Add(WrongTypedFieldsGateway.FramesHeader, Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { new[] { start.Item1, start.Item2 }, [eventType, payload] })));

        using var response = await gateway.Gateway.Client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var error = JsonDocument.Parse(events[^2]["data: ".Length..]).RootElement.GetProperty("error");
        Assert.Equal("upstream_stream_corrupt", error.GetProperty("code").GetString());
        Assert.Equal($"AWS Bedrock sent an event Sluice cannot read ({eventType}): {problem}", error.GetProperty("message").GetString());
    }

    private async Task AssertRefusedAsync(string path, string model, string request, string param)
    {
        var calls = gateway.Bedrock.Calls.Count;

        using var response = await gateway.Gateway.Client.SendAsync(Post(path, request.Replace("MODEL", model, StringComparison.Ordinal).Replace("HI", Hi, StringComparison.Ordinal)));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var error = await ReadError(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(param)} (must be .+, not .+|is required: .+)", error.GetProperty("message").GetString());
        Assert.Equal(calls, gateway.Bedrock.Calls.Count);
    }
}

/// <summary>
/// One gateway for <see cref="WrongTypedFieldsTests"/>: gpt-4o-mini to an OpenAI-schema upstream (under a token
/// rate limit with reservations, so admission estimates every request), a Nova model and Titan embeddings to the
/// fake Bedrock (AWSBedrock), and a Claude model to it as AWSAnthropic. The fake Bedrock answers with the body in
/// <see cref="AnswerHeader"/> or the frames in <see cref="FramesHeader"/> (base64) when a request carries one.
/// </summary>
public sealed class WrongTypedFieldsGateway : IAsyncLifetime
{
    public const string Nova = "us.amazon.nova-micro-v1:0";
    public const string Claude = "anthropic.claude-3-5-sonnet-20241022-v2:0";
    public const string Titan = "amazon.titan-embed-text-v2:0";
    public const string AnswerHeader = "x-test-answer";
    public const string FramesHeader = "x-test-frames";

    internal TestUpstream OpenAI { get; private set; } = null!;

    internal FakeBedrock Bedrock { get; private set; } = null!;

    internal GatewayUnderTest Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        OpenAI = await TestUpstream.StartAsync(static async (context, received) =>
        {
            if (received.BodyText.Contains("\"stream\":true", StringComparison.Ordinal))
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync("""
                    data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"hi"}}]}

                    data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}

                    data: [DONE]


                    """.ReplaceLineEndings("\n"));
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"id":"c1","object":"chat.completion","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""");
        });
        Bedrock = await FakeBedrock.StartAsync(static (context, call) =>
        {
            if (call.Request.Header(AnswerHeader) is { } answer)
            {
                return FakeBedrock.JsonAsync(context, Encoding.UTF8.GetString(Convert.FromBase64String(answer)));
            }

            if (call.Request.Header(FramesHeader) is { } frames)
            {
                var events = JsonSerializer.Deserialize<string[][]>(Convert.FromBase64String(frames))!;
                return FakeBedrock.FramesAsync(context, events.Select(static e => e[0] == "chunk"
                    ? EventStreamEncoder.Event("chunk", JsonSerializer.Serialize(new { bytes = Convert.ToBase64String(Encoding.UTF8.GetBytes(e[1])) }))
                    : EventStreamEncoder.Event(e[0], e[1])));
            }

            return FakeBedrock.DefaultAsync(context, call);
        });
        Gateway = await GatewayUnderTest.StartAsync(Yaml(OpenAI.Port, Bedrock.Port), rateLimit: new RateLimitOptions { Reservation = true });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Bedrock.DisposeAsync();
        await OpenAI.DisposeAsync();
    }

    private static string Yaml(int openAIPort, int bedrockPort) => $$$"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: chat, namespace: default}
        spec:
          rules:
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: gpt-4o-mini}]}]
              backendRefs: [{name: openai}]
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: "{{{Nova}}}"}]}, {headers: [{type: Exact, name: x-ai-eg-model, value: "{{{Titan}}}"}]}]
              backendRefs: [{name: bedrock}]
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: "{{{Claude}}}"}]}]
              backendRefs: [{name: anthropic}]
          llmRequestCosts:
            - {metadataKey: llm_output_token, type: OutputToken}
        {{{Configs.OpenAIBackend(openAIPort)}}}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: bedrock, namespace: default}
        spec:
          schema: {name: AWSBedrock}
          backendRef: {name: bedrock-upstream, kind: Backend, group: gateway.envoyproxy.io}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: anthropic, namespace: default}
        spec:
          schema: {name: AWSAnthropic}
          backendRef: {name: bedrock-upstream, kind: Backend, group: gateway.envoyproxy.io}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {name: bedrock-upstream, namespace: default}
        spec:
          endpoints: [{ip: {address: 127.0.0.1, port: {{{bedrockPort}}} } }]
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: BackendSecurityPolicy
        metadata: {name: bedrock-aws, namespace: default}
        spec:
          targetRefs:
            - {group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: bedrock}
            - {group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: anthropic}
          type: AWSCredentials
          awsCredentials:
            region: us-east-1
            credentialsFile: {secretRef: {name: aws-credentials} }
        {{{Configs.AwsCredentialsSecret()}}}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: BackendTrafficPolicy
        metadata: {name: limits, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
          rateLimit:
            type: Global
            global:
              rules:
                - limit: {requests: 100000000, unit: Day}
                  cost:
                    request: {from: Number, number: 0}
                    response: {from: Metadata, metadata: {namespace: io.envoy.ai_gateway, key: llm_output_token}}
        """;
}
