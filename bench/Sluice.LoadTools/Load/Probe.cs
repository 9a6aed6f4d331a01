using System.Net.Http.Headers;

namespace Sluice.LoadTools.Load;

/// <summary>
/// One request before a path is measured: a misconfigured path would otherwise be measured answering errors fast.
/// </summary>
internal static class Probe
{
    /// <summary>Null when the path answers a chat completion (streamed: one ending in [DONE]); otherwise why not.</summary>
    public static async Task<string?> CheckAsync(Uri url, string bodyFile, IReadOnlyList<string> headers, bool stream, CancellationToken cancellationToken) =>
        await CheckAsync(url, await File.ReadAllBytesAsync(bodyFile, cancellationToken), headers, stream, cancellationToken);

    public static async Task<string?> CheckAsync(Uri url, byte[] body, IReadOnlyList<string> headers, bool stream, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        SseStreamClient.AddHeaders(request, headers);

        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            var expected = stream ? "data: [DONE]" : "\"chat.completion\"";
            return response.IsSuccessStatusCode && answer.Contains(expected, StringComparison.Ordinal)
                ? null
                : $"{(stream ? "streamed" : "plain")} probe got {(int)response.StatusCode}: {(answer.Length > 300 ? answer[..300] + "…" : answer)}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"{(stream ? "streamed" : "plain")} probe failed: {ex.Message}";
        }
    }
}
