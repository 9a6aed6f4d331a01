using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sluice.Infrastructure;

/// <summary>One call as the fake Bedrock saw it: the operation, the model id from the path, the body and the signature check.</summary>
internal sealed record BedrockCall(string Operation, string ModelId, JsonElement Body, SigV4Check Signature, ReceivedRequest Request);

/// <summary>
/// AWS Bedrock runtime on 127.0.0.1 for tests, which never reach AWS: every request's SigV4 signature is verified
/// (<see cref="SigV4Verifier"/>) against known keys, a bad one gets Bedrock's 403, and good ones are answered by a
/// test's responder (default: a Converse answer, a ConverseStream of real event-stream frames, a Titan embedding).
/// </summary>
internal sealed class FakeBedrock : IAsyncDisposable
{
    public const string AccessKey = "AKIDSLUICETEST";
    public const string SecretKey = "sluice-test-secret";
    public const string RequestId = "bedrock-req-7f3a";

    private readonly TestUpstream _upstream;

    private FakeBedrock(TestUpstream upstream) => _upstream = upstream;

    public int Port => _upstream.Port;

    public ConcurrentQueue<BedrockCall> Calls { get; } = new();

    public BedrockCall LastCall => Calls.Last();

    public static async Task<FakeBedrock> StartAsync(Func<HttpContext, BedrockCall, Task>? respond = null, IReadOnlyDictionary<string, string>? secrets = null, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        secrets ??= new Dictionary<string, string> { [AccessKey] = SecretKey };
        FakeBedrock? self = null;
        var upstream = await TestUpstream.StartAsync(async (context, received) =>
        {
            var check = SigV4Verifier.Verify(received.Method, received.RawTarget, received.Headers, received.Body, secrets, DateTimeOffset.UtcNow);
            var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var body = received.Body.Length == 0 ? default : JsonDocument.Parse(received.Body).RootElement.Clone();
            var call = new BedrockCall(segments.Length == 3 ? segments[2] : "?", segments.Length == 3 ? segments[1] : "?", body, check, received);
            self!.Calls.Enqueue(call);
            context.Response.Headers["x-amzn-requestid"] = RequestId;
            if (!check.Valid)
            {
                await ErrorAsync(context, 403, "InvalidSignatureException", $"The request signature we calculated does not match the signature you provided ({check.Problem}).");
                return;
            }

            await (respond ?? DefaultAsync)(context, call);
        }, certificate);
        self = new FakeBedrock(upstream);
        return self;
    }

    public static Task DefaultAsync(HttpContext context, BedrockCall call) => call.Operation switch
    {
        "converse" => JsonAsync(context, ConverseText("Hello from Bedrock")),
        "converse-stream" => FramesAsync(context, TextStream("Hello", " from", " Bedrock")),
        "invoke" => JsonAsync(context, """{"embedding":[0.25,-0.5,1.0],"inputTextTokenCount":3}"""),
        _ => ErrorAsync(context, 404, "UnknownOperationException", "unknown operation"),
    };

    public static string ConverseText(string text, int input = 12, int output = 4, int cacheRead = 0, int cacheWrite = 0) => $$$"""
        {"output":{"message":{"role":"assistant","content":[{"text":"{{{text}}}"}]}},"stopReason":"end_turn",
         "usage":{"inputTokens":{{{input}}},"outputTokens":{{{output}}},"totalTokens":{{{input + output + cacheRead + cacheWrite}}},"cacheReadInputTokens":{{{cacheRead}}},"cacheWriteInputTokens":{{{cacheWrite}}}},
         "metrics":{"latencyMs":120}}
        """;

    /// <summary>A whole ConverseStream answer with text deltas, a stop and the usage metadata.</summary>
    public static List<byte[]> TextStream(params string[] deltas)
    {
        var frames = new List<byte[]> { EventStreamEncoder.Event("messageStart", """{"role":"assistant","p":"abcd"}""") };
        frames.AddRange(deltas.Select(static d => EventStreamEncoder.Event("contentBlockDelta", $$$"""{"contentBlockIndex":0,"delta":{"text":"{{{d}}}"}}""")));
        frames.Add(EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":0}"""));
        frames.Add(EventStreamEncoder.Event("messageStop", """{"stopReason":"end_turn"}"""));
        frames.Add(EventStreamEncoder.Event("metadata", """{"usage":{"inputTokens":9,"outputTokens":3,"totalTokens":12},"metrics":{"latencyMs":80}}"""));
        return frames;
    }

    public static async Task JsonAsync(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    public static Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.Headers["x-amzn-errortype"] = $"{type}:http://internal.amazon.com/coral/com.amazon.bedrock/";
        return JsonAsync(context, JsonSerializer.Serialize(new { message }), status);
    }

    /// <summary>Sends frames as an event stream, <paramref name="chunkSize"/> bytes per write (0: one write per frame), flushing each write.</summary>
    public static async Task FramesAsync(HttpContext context, IEnumerable<byte[]> frames, int chunkSize = 0)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/vnd.amazon.eventstream";
        var all = frames.ToList();
        if (chunkSize == 0)
        {
            foreach (var frame in all)
            {
                await context.Response.Body.WriteAsync(frame);
                await context.Response.Body.FlushAsync();
            }

            return;
        }

        var bytes = all.SelectMany(static f => f).ToArray();
        for (var i = 0; i < bytes.Length; i += chunkSize)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(i, Math.Min(chunkSize, bytes.Length - i)));
            await context.Response.Body.FlushAsync();
        }
    }

    public ValueTask DisposeAsync() => _upstream.DisposeAsync();
}
