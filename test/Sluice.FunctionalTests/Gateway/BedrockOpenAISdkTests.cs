using System.ClientModel;
using Microsoft.AspNetCore.Http;
using OpenAI;
using OpenAI.Chat;
using Sluice.Infrastructure;

namespace Sluice.Gateway;

/// <summary>The official OpenAI .NET SDK chatting, streaming and calling tools on (fake) AWS Bedrock through Sluice.</summary>
public sealed class BedrockOpenAISdkTests : IAsyncLifetime
{
    private const string Model = "us.amazon.nova-micro-v1:0";
    private FakeBedrock _bedrock = null!;
    private GatewayUnderTest _gateway = null!;

    public async Task InitializeAsync()
    {
        _bedrock = await FakeBedrock.StartAsync(RespondAsync);
        _gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(_bedrock.Port));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _bedrock.DisposeAsync();
    }

    [Fact]
    public async Task CompleteChat_AnswersWithBedrocksTextAndUsage()
    {
        ChatCompletion completion = await Chat().CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hello!")]);

        Assert.Equal("Hello from Bedrock", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(Model, completion.Model);
        Assert.Equal(16, completion.Usage.TotalTokenCount);
        Assert.True(_bedrock.LastCall.Signature.Valid);
    }

    [Fact]
    public async Task CompleteChatStreaming_DeliversEveryDeltaAndTheUsage()
    {
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Hello!")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("Hello from Bedrock", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(9, usage?.InputTokenCount);
        Assert.Equal(3, usage?.OutputTokenCount);
    }

    [Fact]
    public async Task ToolCalls_WorkWithAndWithoutStreaming()
    {
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather of a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")) } };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion completion = await Chat().CompleteChatAsync(messages, options);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("""{"city":"Paris"}""", call.FunctionArguments.ToString());

        var arguments = new System.Text.StringBuilder();
        string? streamedName = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync(messages, options))
        {
            foreach (var toolUpdate in update.ToolCallUpdates)
            {
                streamedName ??= toolUpdate.FunctionName;
                arguments.Append(toolUpdate.FunctionArgumentsUpdate?.ToString());
            }
        }

        Assert.Equal("get_weather", streamedName);
        Assert.Equal("""{"city":"Paris"}""", arguments.ToString());

        // The tool's answer goes back as a tool message: Bedrock gets a toolResult for the toolUse it asked for.
        messages.Add(new AssistantChatMessage(completion));
        messages.Add(new ToolChatMessage(call.Id, "18C and sunny"));
        ChatCompletion final = await Chat().CompleteChatAsync(messages, options);
        Assert.Equal("Hello from Bedrock", final.Content[0].Text);
        var sent = _bedrock.LastCall.Body.GetProperty("messages");
        Assert.Equal("tooluse_sdk", sent[1].GetProperty("content")[0].GetProperty("toolUse").GetProperty("toolUseId").GetString());
        Assert.Equal("18C and sunny", sent[2].GetProperty("content")[0].GetProperty("toolResult").GetProperty("content")[0].GetProperty("text").GetString());
    }

    private ChatClient Chat() => new OpenAIClient(new ApiKeyCredential("client-key"), new OpenAIClientOptions { Endpoint = new Uri(_gateway.BaseAddress, "v1") }).GetChatClient(Model);

    /// <summary>Asks for the tool when tools are offered and no tool result came back yet; otherwise answers with text.</summary>
    private static Task RespondAsync(HttpContext context, BedrockCall call)
    {
        var wantsTool = call.Body.TryGetProperty("toolConfig", out _) && !call.Body.GetRawText().Contains("toolResult", StringComparison.Ordinal);
        if (!wantsTool)
        {
            return FakeBedrock.DefaultAsync(context, call);
        }

        if (call.Operation == "converse")
        {
            return FakeBedrock.JsonAsync(context, """
                {"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_sdk","name":"get_weather","input":{"city":"Paris"}}}]}},
                 "stopReason":"tool_use","usage":{"inputTokens":30,"outputTokens":10,"totalTokens":40}}
                """);
        }

        return FakeBedrock.FramesAsync(context, [
            EventStreamEncoder.Event("messageStart", """{"role":"assistant"}"""),
            EventStreamEncoder.Event("contentBlockStart", """{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"tooluse_sdk","name":"get_weather"}}}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"city\""}}}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":":\"Paris\"}"}}}"""),
            EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":0}"""),
            EventStreamEncoder.Event("messageStop", """{"stopReason":"tool_use"}"""),
            EventStreamEncoder.Event("metadata", """{"usage":{"inputTokens":30,"outputTokens":10,"totalTokens":40}}"""),
        ]);
    }
}
