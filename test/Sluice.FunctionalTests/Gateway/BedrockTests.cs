using System.Net;
using System.Text.Json;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>OpenAI clients reaching AWS Bedrock (Converse, ConverseStream, Titan) through Sluice, every request SigV4-verified by the fake.</summary>
public sealed class BedrockTests
{
    private const string Model = "us.amazon.nova-micro-v1:0";

    [Fact]
    public async Task Chat_IsTranslatedToConverse_SignedForBedrock_AndAnsweredAsAChatCompletion()
    {
        await using var bedrock = await FakeBedrock.StartAsync((context, call) => FakeBedrock.JsonAsync(context, FakeBedrock.ConverseText("Paris.", input: 10, output: 2, cacheRead: 5, cacheWrite: 3)));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var request = Post("/v1/chat/completions", $$"""
            {"model":"{{Model}}","temperature":0.2,"top_p":0.9,"max_tokens":50,"stop":["END"],
             "messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":"Answer in English."},{"role":"user","content":"Capital of France?"}]}
            """);
        request.Headers.Authorization = new("Bearer", "client-token-must-not-leak");
        using var response = await gateway.Client.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var call = bedrock.LastCall;
        Assert.True(call.Signature.Valid, call.Signature.Problem);
        Assert.Equal(("us-east-1", "bedrock", FakeBedrock.AccessKey), (call.Signature.Region, call.Signature.Service, call.Signature.AccessKey));
        Assert.Equal("/model/us.amazon.nova-micro-v1%3A0/converse", call.Request.RawTarget);
        Assert.DoesNotContain("client-token-must-not-leak", call.Request.Header("Authorization"));
        Assert.Equal("""[{"text":"Be brief."},{"text":"Answer in English."}]""", call.Body.GetProperty("system").GetRawText());
        Assert.Equal("""[{"role":"user","content":[{"text":"Capital of France?"}]}]""", call.Body.GetProperty("messages").GetRawText());
        Assert.Equal("""{"maxTokens":50,"temperature":0.2,"topP":0.9,"stopSequences":["END"]}""", call.Body.GetProperty("inferenceConfig").GetRawText());
        Assert.False(call.Body.TryGetProperty("model", out _));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(FakeBedrock.RequestId, root.GetProperty("id").GetString());
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal(Model, root.GetProperty("model").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("Paris.", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = root.GetProperty("usage");
        Assert.Equal(18, usage.GetProperty("prompt_tokens").GetInt32()); // 10 + 5 cache reads + 3 cache writes
        Assert.Equal(2, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(20, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public async Task ToolCalls_RoundTrip_ToolUseAndConsecutiveToolResults()
    {
        const string answer = """
            {"output":{"message":{"role":"assistant","content":[{"text":"Checking."},{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":30,"outputTokens":12,"totalTokens":42}}
            """;
        await using var bedrock = await FakeBedrock.StartAsync((context, _) => FakeBedrock.JsonAsync(context, answer));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", """
            {"model":"MODEL","tool_choice":{"type":"function","function":{"name":"get_weather"}},
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather of a city","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "messages":[{"role":"user","content":"Weather in Paris and Rome?"},
               {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"c2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
               {"role":"tool","tool_call_id":"c1","content":"18C"},{"role":"tool","tool_call_id":"c2","content":"24C"}]}
            """.Replace("MODEL", Model, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = bedrock.LastCall.Body;
        Assert.Equal("""{"tools":[{"toolSpec":{"name":"get_weather","description":"Weather of a city","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}}],"toolChoice":{"tool":{"name":"get_weather"}}}""", sent.GetProperty("toolConfig").GetRawText());
        var messages = sent.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal("""{"role":"assistant","content":[{"toolUse":{"toolUseId":"c1","name":"get_weather","input":{"city":"Paris"}}},{"toolUse":{"toolUseId":"c2","name":"get_weather","input":{"city":"Rome"}}}]}""", messages[1].GetRawText());
        Assert.Equal("""{"role":"user","content":[{"toolResult":{"toolUseId":"c1","content":[{"text":"18C"}]}},{"toolResult":{"toolUseId":"c2","content":[{"text":"24C"}]}}]}""", messages[2].GetRawText());

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("tooluse_1", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString());
    }

    [Theory]
    [InlineData("required", """{"any":{}}""")]
    [InlineData("auto", """{"auto":{}}""")]
    public async Task ToolChoice_MapsToConverse(string choice, string expected)
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$$"""
            {"model":"{{{Model}}}","tool_choice":"{{{choice}}}","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"hi"}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, bedrock.LastCall.Body.GetProperty("toolConfig").GetProperty("toolChoice").GetRawText());
    }

    [Fact]
    public async Task Images_DataUrlsBecomeImageBlocks()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$$"""
            {"model":"{{{Model}}}","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
              {"type":"image_url","image_url":{"url":"data:image/jpg;base64,/9j/4AAQ"}},{"type":"image_url","image_url":{"url":"data:image/webp;base64,UklGRg=="}}]}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """[{"text":"What is this?"},{"image":{"format":"jpeg","source":{"bytes":"/9j/4AAQ"}}},{"image":{"format":"webp","source":{"bytes":"UklGRg=="}}}]""",
            bedrock.LastCall.Body.GetProperty("messages")[0].GetProperty("content").GetRawText());
    }

    [Theory]
    [InlineData("""{"model":"M","logprobs":true,"messages":[{"role":"user","content":"hi"}]}""", "logprobs")]
    [InlineData("""{"model":"M","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"M","tool_choice":"none","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"hi"}]}""", "tool_choice")]
    [InlineData("""{"model":"M","messages":[{"role":"user","content":"hi"}],"n":3}""", "n")]
    public async Task UnmappableRequest_Is422NamingTheField_AndNeverReachesBedrock(string body, string param)
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", body.Replace("\"M\"", $"\"{Model}\"", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = await ReadError(response);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("unsupported_parameter", error.GetProperty("code").GetString());
        Assert.Empty(bedrock.Calls);
    }

    [Fact]
    public async Task ModelNameOverride_AndArnModelIds_ArePathEscapedAndSignedAsSent()
    {
        const string arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0";
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, model: "claude", refExtra: $"modelNameOverride: \"{arn}\""));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"claude","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = bedrock.LastCall;
        Assert.True(call.Signature.Valid, call.Signature.Problem);
        Assert.Equal("/model/" + Uri.EscapeDataString(arn) + "/converse", call.Request.RawTarget);
        Assert.Equal(arn, Uri.UnescapeDataString(call.ModelId));
    }

    [Fact]
    public async Task BedrockErrors_BecomeTheOpenAIEnvelope_WithStatusAndRetryAfter()
    {
        await using var bedrock = await FakeBedrock.StartAsync(async (context, _) =>
        {
            context.Response.Headers.RetryAfter = "7";
            await FakeBedrock.ErrorAsync(context, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await ReadError(response);
        Assert.Equal("Too many requests, please wait before trying again.", error.GetProperty("message").GetString());
        Assert.Equal("ThrottlingException", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task WrongKey_IsRejectedByTheFakesIndependentVerifier()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        var secret = Configs.AwsCredentialsSecret(secretKey: "not-the-secret");
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, extraDocuments: secret));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("signature mismatch", bedrock.LastCall.Signature.Problem);
        Assert.Equal("InvalidSignatureException", (await ReadError(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task SessionToken_IsSentAndSigned()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        var secret = Configs.AwsCredentialsSecret(sessionToken: "session-token-xyz");
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, extraDocuments: secret));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = bedrock.LastCall;
        Assert.True(call.Signature.Valid, call.Signature.Problem);
        Assert.Equal("session-token-xyz", call.Request.Header("x-amz-security-token"));
        Assert.Contains("x-amz-security-token", call.Signature.SignedHeaders);
    }

    [Fact]
    public async Task Embeddings_GoToTitan_FloatAndBase64()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, model: "amazon.titan-embed-text-v2:0"));

        using var floats = await gateway.Client.SendAsync(Post("/v1/embeddings", """{"model":"amazon.titan-embed-text-v2:0","input":"hello world","dimensions":256}"""));
        using var base64 = await gateway.Client.SendAsync(Post("/v1/embeddings", """{"model":"amazon.titan-embed-text-v2:0","input":["hello world"],"encoding_format":"base64"}"""));

        Assert.Equal(HttpStatusCode.OK, floats.StatusCode);
        Assert.Equal("/model/amazon.titan-embed-text-v2%3A0/invoke", bedrock.Calls.First().Request.RawTarget);
        Assert.Equal("""{"inputText":"hello world","dimensions":256}""", bedrock.Calls.First().Body.GetRawText());
        using var json = JsonDocument.Parse(await floats.Content.ReadAsStringAsync());
        Assert.Equal("[0.25,-0.5,1.0]", json.RootElement.GetProperty("data")[0].GetProperty("embedding").GetRawText());
        Assert.Equal(3, json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        using var encoded = JsonDocument.Parse(await base64.Content.ReadAsStringAsync());
        var bytes = Convert.FromBase64String(encoded.RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal([0.25f, -0.5f, 1.0f], Enumerable.Range(0, 3).Select(i => BitConverter.ToSingle(bytes, i * 4)));
    }

    [Fact]
    public async Task UnsupportedEndpoint_IsA404NamingTheSchema()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/completions", $$"""{"model":"{{Model}}","prompt":"hi"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("AWSBedrock serves /v1/chat/completions and /v1/embeddings", (await ReadError(response)).GetProperty("message").GetString());
        Assert.Empty(bedrock.Calls);
    }
}
