using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Sluice.Infrastructure;

/// <summary>
/// A Microsoft Entra ID token endpoint over HTTPS on 127.0.0.1 (POST /{tenant}/oauth2/v2.0/token), good enough for
/// the real Azure.Identity/MSAL client-credentials flows: client secret and client assertion. Also serves an OIDC
/// issuer's token endpoint (POST /oidc/token) for the federated exchange.
/// </summary>
internal sealed class FakeEntra : IAsyncDisposable
{
    private readonly TestUpstream _server;
    private int _issued;

    private FakeEntra(TestUpstream server) => _server = server;

    public Uri AuthorityHost => new($"https://127.0.0.1:{_server.Port}/");

    public int Port => _server.Port;

    public string ExpectedSecret { get; set; } = "s3cret-value";

    public string? ExpectedAssertion { get; set; }

    public int ExpiresInSeconds { get; set; } = 3600;

    public bool Reject { get; set; }

    public TimeSpan Delay { get; set; }

    /// <summary>Token requests received, with the form fields that matter (never the secret itself).</summary>
    public ConcurrentQueue<(string Path, string GrantType, string ClientId, string Scope, bool SecretMatched)> TokenRequests { get; } = new();

    public string LastIssuedToken => $"entra-token-{Volatile.Read(ref _issued)}";

    public static async Task<FakeEntra> StartAsync(TestCertificates certificates)
    {
        FakeEntra? self = null;
        var server = await TestUpstream.StartAsync(context => self!.HandleAsync(context), certificates.IssueServer("login.test"));
        self = new FakeEntra(server);
        return self;
    }

    public async Task WaitForTokenRequestsAsync(int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (TokenRequests.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(TokenRequests.Count >= count, $"expected {count} token request(s), saw {TokenRequests.Count}");
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var form = ParseForm(_server.LastRequest.BodyText);
        if (path == "/msi/token")
        {
            var authorized = context.Request.Headers["X-IDENTITY-HEADER"] == "identity-header-value";
            TokenRequests.Enqueue((path, "managed_identity", context.Request.Query["client_id"].ToString(), context.Request.Query["resource"].ToString(), authorized));
            var expiresOn = DateTimeOffset.UtcNow.AddSeconds(ExpiresInSeconds).ToUnixTimeSeconds();
            var msiToken = $"entra-token-{Interlocked.Increment(ref _issued)}";
            await WriteJsonAsync(context, authorized ? 200 : 401, $$"""{"access_token":"{{msiToken}}","expires_on":"{{expiresOn}}","resource":"https://cognitiveservices.azure.com","token_type":"Bearer"}""");
            return;
        }

        if (path == "/oidc/token")
        {
            await WriteJsonAsync(context, 200, """{"access_token":"oidc-assertion","token_type":"Bearer","expires_in":300}""");
            return;
        }

        if (!path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 404, """{"error":"not_found"}""");
            return;
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        var grant = form.GetValueOrDefault("grant_type", string.Empty);
        var matched = form.TryGetValue("client_secret", out var secret)
            ? secret == ExpectedSecret
            : form.TryGetValue("client_assertion", out var assertion) && (ExpectedAssertion is null || assertion == ExpectedAssertion);
        TokenRequests.Enqueue((path, grant, form.GetValueOrDefault("client_id", string.Empty), form.GetValueOrDefault("scope", string.Empty), matched));
        if (Reject || !matched)
        {
            await WriteJsonAsync(context, 401, """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID. Trace ID: 0000 Correlation ID: 0000 Timestamp: 2026-11-24 00:00:00Z","error_codes":[7000215]}""");
            return;
        }

        var token = $"entra-token-{Interlocked.Increment(ref _issued)}";
        await WriteJsonAsync(context, 200, $$"""{"token_type":"Bearer","expires_in":{{ExpiresInSeconds}},"ext_expires_in":{{ExpiresInSeconds}},"access_token":"{{token}}"}""");
    }

    private static Dictionary<string, string> ParseForm(string body)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[Uri.UnescapeDataString(pair[..equals].Replace('+', ' '))] = Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            }
        }

        return values;
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(json);
    }
}
