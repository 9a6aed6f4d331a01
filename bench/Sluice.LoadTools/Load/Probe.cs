using System.Net.Http.Headers;

namespace Sluice.LoadTools.Load;

/// <summary>
/// One request before a path is measured: a misconfigured path would otherwise be measured answering errors fast.
/// </summary>
internal static class Probe
{
    /// <summary>Null when the path answers a chat completion (streamed: one ending in [DONE]); otherwise why not.</summary>
    public static async Task<string?> CheckAsync(Uri url, string bodyFile, IReadOnlyList<string> headers, bool stream, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(await File.ReadAllBytesAsync(bodyFile, cancellationToken)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var header in headers)
        {
            var (name, value) = Split(header);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var expected = stream ? "data: [DONE]" : "\"chat.completion\"";
            return response.IsSuccessStatusCode && body.Contains(expected, StringComparison.Ordinal)
                ? null
                : $"{(stream ? "streamed" : "plain")} probe got {(int)response.StatusCode}: {(body.Length > 300 ? body[..300] + "…" : body)}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"{(stream ? "streamed" : "plain")} probe failed: {ex.Message}";
        }
    }

    /// <summary>"Name: value", as wrk's -H takes it.</summary>
    public static (string Name, string Value) Split(string header)
    {
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        return (header[..colon].Trim(), header[(colon + 1)..].Trim());
    }
}
