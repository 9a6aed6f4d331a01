using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>
/// The seed guide's set-up (AzureCredentials with a client secret, Backend on 443 with a BackendTLSPolicy) with the
/// real Azure.Identity talking to a fake Entra ID over HTTPS, and a fake Azure OpenAI over HTTPS.
/// </summary>
public sealed class AzureEntraTests : IAsyncLifetime
{
    private const string ChatBody = """{"model":"gpt-4o","messages":[{"role":"user","content":"Hi."}]}""";

    private TestCertificates _certificates = null!;
    private FakeEntra _entra = null!;
    private TestUpstream _azure = null!;

    public async Task InitializeAsync()
    {
        _certificates = TestCertificates.Create();
        _entra = await FakeEntra.StartAsync(_certificates);
        _azure = await TestUpstream.StartAsync(
            context =>
            {
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync("""{"id":"chatcmpl-1","object":"chat.completion","choices":[],"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}""");
            },
            _certificates.IssueServer("myresource.openai.azure.com"));
    }

    public async Task DisposeAsync()
    {
        await _azure.DisposeAsync();
        await _entra.DisposeAsync();
        _certificates.Dispose();
    }

    [Fact]
    public async Task Chat_GetsAnEntraToken_AndTheAzureDeploymentPath()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("prompt_filter_results", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var upstream = _azure.LastRequest;
        Assert.Equal("/openai/deployments/gpt-4o/chat/completions?api-version=2025-01-01-preview", upstream.PathAndQuery);
        Assert.Equal("Bearer entra-token-1", upstream.Header("Authorization"));
        Assert.Equal("myresource.openai.azure.com", upstream.Header("Host"));
        var tokenRequest = Assert.Single(_entra.TokenRequests);
        Assert.Equal("/my-tenant/oauth2/v2.0/token", tokenRequest.Path);
        Assert.Equal("client_credentials", tokenRequest.GrantType);
        Assert.Equal("my-client", tokenRequest.ClientId);
        Assert.Contains("https://cognitiveservices.azure.com/.default", tokenRequest.Scope, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstToken_IsFetchedWhenTheConfigLoads()
    {
        await using var gateway = await StartAsync();

        await _entra.WaitForTokenRequestsAsync(1, TimeSpan.FromSeconds(10));

        Assert.Empty(_azure.Requests);
    }

    [Fact]
    public async Task BurstOfHundredRequests_CausesExactlyOneTokenRequest()
    {
        _entra.Delay = TimeSpan.FromMilliseconds(300);
        await using var gateway = await StartAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(_entra.TokenRequests);
        Assert.All(_azure.Requests, r => Assert.Equal("Bearer entra-token-1", r.Header("Authorization")));
    }

    [Fact]
    public async Task ShortLivedTokens_AreRefreshedAheadOfExpiry_WithoutFailingRequests()
    {
        _entra.ExpiresInSeconds = 2;
        await using var gateway = await StartAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3.5);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(100);
        }

        Assert.True(_entra.TokenRequests.Count >= 3, $"expected refreshes, saw {_entra.TokenRequests.Count} token requests");
        Assert.True(_azure.Requests.Select(r => r.Header("Authorization")).Distinct().Count() >= 2);
    }

    [Fact]
    public async Task FailedRefresh_KeepsUsingTheValidToken()
    {
        _entra.ExpiresInSeconds = 4;
        await using var gateway = await StartAsync();
        await _entra.WaitForTokenRequestsAsync(1, TimeSpan.FromSeconds(10));
        _entra.Reject = true;

        await _entra.WaitForTokenRequestsAsync(2, TimeSpan.FromSeconds(5)); // the refresh at half-life fails
        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer entra-token-1", _azure.LastRequest.Header("Authorization"));
    }

    [Fact]
    public async Task WrongSecret_Is401NamingBackendTenantClientAndEntraCode_WithoutTheSecret()
    {
        await using var gateway = await StartAsync(secret: "wrong-secret-value");

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var message = (await ReadErrorFrom(body)).GetProperty("message").GetString()!;
        Assert.Contains("backend default/azure-openai", message, StringComparison.Ordinal);
        Assert.Contains("tenant my-tenant", message, StringComparison.Ordinal);
        Assert.Contains("client id my-client", message, StringComparison.Ordinal);
        Assert.Contains("AADSTS7000215", message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-value", body, StringComparison.Ordinal);
        Assert.Empty(_azure.Requests);
    }

    [Fact]
    public async Task EntraUnreachable_Is503WithTheSameDetail()
    {
        await using var gateway = await StartAsync(authority: "https://127.0.0.1:1/");

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var message = (await ReadError(response)).GetProperty("message").GetString()!;
        Assert.Contains("Microsoft Entra ID is unreachable", message, StringComparison.Ordinal);
        Assert.Contains("tenant my-tenant, client id my-client", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatedClientSecret_IsUsedWithinFiveSeconds()
    {
        await using var gateway = await StartAsync();
        await _entra.WaitForTokenRequestsAsync(1, TimeSpan.FromSeconds(10));

        _entra.ExpectedSecret = "rotated-secret";
        Assert.True(await gateway.RewriteAndWaitForReloadAsync(Config(secret: "rotated-secret"), TimeSpan.FromSeconds(5)));
        await _entra.WaitForTokenRequestsAsync(2, TimeSpan.FromSeconds(5));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer entra-token-2", _azure.LastRequest.Header("Authorization"));
        Assert.True(_entra.TokenRequests.Last().SecretMatched);
    }

    [Fact]
    public async Task UnchangedPolicy_KeepsItsTokenAcrossReloads()
    {
        await using var gateway = await StartAsync();
        await _entra.WaitForTokenRequestsAsync(1, TimeSpan.FromSeconds(10));

        Assert.True(await gateway.RewriteAndWaitForReloadAsync(Config() + "\n# an unrelated edit\n"));
        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal("Bearer entra-token-1", _azure.LastRequest.Header("Authorization"));
        Assert.Single(_entra.TokenRequests);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(429)]
    public async Task AzureErrors_ReachTheClientWithStatusBodyAndHeaders(int status)
    {
        await using var failing = await TestUpstream.StartAsync(
            async context =>
            {
                context.Response.StatusCode = status;
                context.Response.Headers["Retry-After"] = "3";
                context.Response.Headers["x-ratelimit-remaining-tokens"] = "0";
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(AzureError(status));
            },
            _certificates.IssueServer("myresource.openai.azure.com"));
        await using var gateway = await StartAsync(port: failing.Port);

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        Assert.Equal(AzureError(status), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AzureAuthorityHostVariable_IsHonouredWhenThePolicyNamesNoAuthority()
    {
        var yaml = Config().Replace($"    authorityHost: {_entra.AuthorityHost}\n", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("authorityHost", yaml, StringComparison.Ordinal);
        var authority = _entra.AuthorityHost.ToString();
        await using var gateway = await GatewayUnderTest.StartAsync(yaml, name => name == "AZURE_AUTHORITY_HOST" ? authority : null, _certificates.CreateTrustingHandler());

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_entra.TokenRequests);
    }

    [Fact]
    public async Task NoSecret_WithAFederatedTokenFile_UsesWorkloadIdentity()
    {
        var tokenFile = Path.Combine(Path.GetTempPath(), "sluice-wi-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(tokenFile, "kubernetes-service-account-token");
        _entra.ExpectedAssertion = "kubernetes-service-account-token";
        _entra.ExpectedSecret = "no-secret-may-be-sent";
        var yaml = Config().Replace("    clientSecretRef: {name: azure-client-secret, namespace: default}\n", string.Empty, StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(yaml, name => name == "AZURE_FEDERATED_TOKEN_FILE" ? tokenFile : null, _certificates.CreateTrustingHandler());

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(_entra.TokenRequests);
        Assert.Equal("client_credentials", request.GrantType);
        Assert.True(request.SecretMatched, "the federated token file's content must be the client assertion");
        Assert.Equal("Bearer entra-token-1", _azure.LastRequest.Header("Authorization"));
    }

    [Fact]
    public async Task OidcExchangeToken_UsesTheOtherIssuersTokenAsTheClientAssertion()
    {
        _entra.ExpectedAssertion = "oidc-assertion";
        _entra.ExpectedSecret = "no-secret-may-be-sent";
        var oidc = $$"""
                oidcExchangeToken:
                  oidc:
                    provider: {tokenEndpoint: "https://127.0.0.1:{{_entra.Port}}/oidc/token"}
                    clientID: keycloak-client
                    clientSecret: {name: oidc-secret}
                    scopes: [openid]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: oidc-secret, namespace: default}
            stringData: {client-secret: oidc-client-secret}
            """;
        var yaml = Config().Replace("    clientSecretRef: {name: azure-client-secret, namespace: default}\n", oidc + "\n", StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(yaml, identityHandler: _certificates.CreateTrustingHandler());

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_entra.TokenRequests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) && r.SecretMatched);
    }

    [Fact]
    public async Task NoSecretNoTokenFile_UsesManagedIdentity()
    {
        // Azure.Identity reads the managed identity endpoint from the process environment (App Service style).
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", $"https://127.0.0.1:{_entra.Port}/msi/token");
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", "identity-header-value");
        try
        {
            var yaml = Config().Replace("    clientSecretRef: {name: azure-client-secret, namespace: default}\n", string.Empty, StringComparison.Ordinal);
            await using var gateway = await GatewayUnderTest.StartAsync(yaml, static _ => null, _certificates.CreateTrustingHandler());

            using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var request = Assert.Single(_entra.TokenRequests);
            Assert.Equal("managed_identity", request.GrantType);
            Assert.Equal("my-client", request.ClientId);
            Assert.True(request.SecretMatched, "the identity header must be sent");
            Assert.Equal("Bearer entra-token-1", _azure.LastRequest.Header("Authorization"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", null);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", null);
        }
    }

    private Task<GatewayUnderTest> StartAsync(string secret = "s3cret-value", string? authority = null, int? port = null) =>
        GatewayUnderTest.StartAsync(Config(secret, authority, port), identityHandler: _certificates.CreateTrustingHandler());

    /// <summary>The seed guide's resources, pointed at the fakes.</summary>
    private string Config(string secret = "s3cret-value", string? authority = null, int? port = null)
    {
        var ca = string.Join("\n", _certificates.CaPem.Split('\n').Select(static l => "    " + l));
        return $$"""
            apiVersion: aigateway.envoyproxy.io/v1alpha1
            kind: AIGatewayRoute
            metadata: {name: envoy-ai-gateway-basic, namespace: default}
            spec:
              schema: {name: OpenAI}
              targetRefs: [{name: envoy-ai-gateway-basic, kind: Gateway, group: gateway.networking.k8s.io}]
              rules:
                - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: gpt-4o}]}]
                  backendRefs: [{name: azure-openai }]
            ---
            apiVersion: aigateway.envoyproxy.io/v1alpha1
            kind: AIServiceBackend
            metadata: {name: azure-openai, namespace: default}
            spec:
              schema: {name: AzureOpenAI, version: 2025-01-01-preview}
              backendRef: {name: azure-openai, kind: Backend, group: gateway.envoyproxy.io}
            ---
            apiVersion: aigateway.envoyproxy.io/v1alpha1
            kind: BackendSecurityPolicy
            metadata: {name: azure-credentials, namespace: default}
            spec:
              targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: azure-openai }]
              type: AzureCredentials
              azureCredentials:
                clientID: my-client
                tenantID: my-tenant
                authorityHost: {{authority ?? _entra.AuthorityHost.ToString()}}
                clientSecretRef: {name: azure-client-secret, namespace: default}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: azure-client-secret, namespace: default}
            type: Opaque
            stringData:
              client-secret: {{secret}}
            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: Backend
            metadata: {name: azure-openai, namespace: default}
            spec:
              endpoints: [{ip: {address: 127.0.0.1, port: {{port ?? _azure.Port}} } }]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata: {name: azure-openai-tls, namespace: default}
            spec:
              targetRefs: [{group: gateway.envoyproxy.io, kind: Backend, name: azure-openai }]
              validation:
                caCertificateRefs: [{name: test-ca, kind: ConfigMap}]
                hostname: myresource.openai.azure.com
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: test-ca, namespace: default}
            data:
              ca.crt: |
            {{ca}}
            """;
    }

    private static string AzureError(int status) => "{\"error\":{\"code\":\"" + status + "\",\"message\":\"azure says " + status + "\"}}";

    private static Task<System.Text.Json.JsonElement> ReadErrorFrom(string body)
    {
        using var document = System.Text.Json.JsonDocument.Parse(body);
        return Task.FromResult(document.RootElement.GetProperty("error").Clone());
    }
}
