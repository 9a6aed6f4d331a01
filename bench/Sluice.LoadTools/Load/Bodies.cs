using System.Text;

namespace Sluice.LoadTools.Load;

/// <summary>The request bodies, written once per run (and per model) for wrk's script and the SSE client.</summary>
internal sealed record Bodies(string Chat, string Stream, string Large)
{
    /// <summary>The model every config of the harness routes, unless a scenario needs another.</summary>
    public const string DefaultModel = "sluice-sim";

    public static async Task<Bodies> WriteAsync(string directory, string model = DefaultModel)
    {
        const string messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Hello! Please tell me about load testing an AI gateway.\"}]";
        var suffix = model == DefaultModel ? string.Empty : "-" + model;
        var chat = Path.Combine(directory, $"chat{suffix}.json");
        var stream = Path.Combine(directory, $"chat-stream{suffix}.json");
        var large = Path.Combine(directory, $"chat-100kb{suffix}.json");
        await File.WriteAllTextAsync(chat, $"{{\"model\":\"{model}\",{messages}}}");
        await File.WriteAllTextAsync(stream, $"{{\"model\":\"{model}\",\"stream\":true,{messages}}}");
        // 100 KB in a field the fake upstream skips without tokenizing: the proxies carry the bytes, the
        // upstream's cost stays that of a small request.
        var blob = new StringBuilder(100 * 1024);
        while (blob.Length < 100 * 1024)
        {
            blob.Append("lorem ipsum dolor sit amet, consectetur adipiscing elit. ");
        }

        await File.WriteAllTextAsync(large, $"{{\"model\":\"{model}\",{messages},\"metadata\":{{\"blob\":\"{blob}\"}}}}");
        return new Bodies(chat, stream, large);
    }
}
