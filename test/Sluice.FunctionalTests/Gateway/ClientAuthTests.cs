using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Sluice.Infrastructure;

namespace Sluice.Gateway;

/// <summary>
/// Client access control end to end on real Kestrel with API keys: SecurityPolicy apiKeyAuth on the Gateway,
/// per-client allow-lists, GET /v1/models per client, the OpenAI SDK sending its key, and route policies.
/// </summary>
public sealed class ClientAuthTests : ClientAuthTestBase
{
    [Fact]
    public async Task ApiKey_Valid_IsForwardedWithoutTheKey_AndWithTheClientId()
    {
        // No BackendSecurityPolicy: the client's headers would pass through if the gateway did not take the key off.
        await using var gateway = await GatewayUnderTest.StartAsync(ApiKeyConfig(backendKey: false));

        using var request = Chat("gpt-4o-mini");
        request.Headers.TryAddWithoutValidation("x-api-key", KeyA);
        request.Headers.TryAddWithoutValidation("x-custom", "kept");
        request.Headers.TryAddWithoutValidation("x-client-id", "team-b"); // forged: replaced by the real one
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Upstream.LastRequest;
        Assert.Null(received.Header("x-api-key"));
        Assert.Equal("team-a", received.Header("x-client-id"));
        Assert.Equal("kept", received.Header("x-custom"));
        Assert.DoesNotContain(KeyA, string.Join("\n", received.Headers.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_Missing_Is401InTheOpenAIEnvelope_AndNothingReachesUpstream()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(ApiKeyConfig());

        using var response = await gateway.Client.SendAsync(Chat("gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"sluice\"", response.Headers.WwwAuthenticate.ToString());
        var error = await ErrorAsync(response);
        Assert.Equal("missing_api_key", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("x-api-key", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task ApiKey_Wrong_Is401_AndTheKeyIsNeverEchoed()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(ApiKeyConfig());

        using var request = Chat("gpt-4o-mini");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-guessed-key-9999");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("sk-guessed-key-9999", body, StringComparison.Ordinal);
        Assert.Equal("invalid_api_key", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(Upstream.Requests);
        var log = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal(("ClientDenied", 401), (log.GetProperty("outcome").GetString(), log.GetProperty("status").GetInt32()));
        Assert.DoesNotContain("sk-guessed-key-9999", string.Join("\n", gateway.AccessLogLines), StringComparison.Ordinal);
        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("error_type=\"401\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_ModelNotOnTheClientsList_Is403NamingTheModel()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(ApiKeyConfig());

        using var request = Chat("gpt-4o");
        request.Headers.TryAddWithoutValidation("x-api-key", KeyA);
        using var denied = await gateway.Client.SendAsync(request);
        using var allowed = await gateway.Client.SendAsync(WithKey(Chat("gpt-4o"), KeyB));

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var error = await ErrorAsync(denied);
        Assert.Equal("model_not_allowed", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("'gpt-4o'", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
        Assert.Contains("team-a", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Single(Upstream.Requests);
        Assert.Equal("Bearer sk-upstream", Upstream.LastRequest.Header("Authorization")); // the backend's own credential
    }

    [Fact]
    public async Task ApiKey_Models_ListsOnlyTheClientsModels()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(ApiKeyConfig());

        var teamA = await ModelIdsAsync(gateway, WithKey(new HttpRequestMessage(HttpMethod.Get, "/v1/models"), KeyA));
        var teamB = await ModelIdsAsync(gateway, WithKey(new HttpRequestMessage(HttpMethod.Get, "/v1/models"), KeyB));
        using var anonymous = await gateway.Client.GetAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(["gpt-4o-mini"], teamA);
        Assert.Equal(["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"], teamB);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task ApiKey_OpenAISdk_SendsItAsBearer_AndTheGatewayAcceptsIt()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(ApiKeyConfig(backendKey: false));
        var options = new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1") };

        ChatCompletion completion = await new OpenAIClient(new ApiKeyCredential(KeyA), options).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("Hi")]);
        var wrong = await Assert.ThrowsAsync<ClientResultException>(() => new OpenAIClient(new ApiKeyCredential("sk-wrong"), options).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("Hi")]));
        var forbidden = await Assert.ThrowsAsync<ClientResultException>(() => new OpenAIClient(new ApiKeyCredential(KeyA), options).GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal("Hello.", completion.Content[0].Text);
        Assert.Null(Upstream.LastRequest.Header("Authorization")); // the client's key stayed at the gateway
        Assert.Equal(401, wrong.Status);
        Assert.Equal(403, forbidden.Status);
        Assert.Single(Upstream.Requests);
    }

    [Fact]
    public async Task ApiKey_SecretRewritten_NewKeyWorksAfterReload()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(ApiKeyConfig());

        Assert.True(await gateway.RewriteAndWaitForReloadAsync(ApiKeyConfig().Replace(KeyA, "sk-team-a-rotated", StringComparison.Ordinal)));
        using var oldKey = await gateway.Client.SendAsync(WithKey(Chat("gpt-4o-mini"), KeyA));
        using var newKey = await gateway.Client.SendAsync(WithKey(Chat("gpt-4o-mini"), "sk-team-a-rotated"));

        Assert.Equal(HttpStatusCode.Unauthorized, oldKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newKey.StatusCode);
    }

    [Fact]
    public async Task ApiKey_GatewayPolicy_TurnsClientsAwayBeforeReadingTheirBody()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(ApiKeyConfig() + """

            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: ClientTrafficPolicy
            metadata: {name: small-bodies, namespace: default}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: eg}]
              connection: {bufferLimit: 1Ki}
            """);
        var large = $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{new string('x', 4096)}}"}]}""";

        using var anonymous = await gateway.Client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), new StringContent(large, Encoding.UTF8, "application/json"));
        using var request = WithKey(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(large, Encoding.UTF8, "application/json") }, KeyA);
        using var authenticated = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, authenticated.StatusCode);
    }
    // ---- a route's policy replaces the Gateway's ----

    [Fact]
    public async Task RoutePolicy_ReplacesTheGatewayPolicyForItsRoute()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(ApiKeyConfig(allowList: false) + PrivateRoute() + $$"""

            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: SecurityPolicy
            metadata: {name: private-jwt, namespace: default}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: private}]
              jwt:
                providers:
                  - name: test-idp
                    issuer: {{Issuer.Issuer}}
                    remoteJWKS: {uri: "http://127.0.0.1:{{Jwks.Port}}/jwks"}
            """);
        var token = Issuer.CreateToken();

        using var publicWithKey = await gateway.Client.SendAsync(WithKey(Chat("gpt-4o-mini"), KeyA));
        using var privateWithKey = await gateway.Client.SendAsync(WithKey(Chat("o3-private"), KeyA));
        using var privateWithToken = await gateway.Client.SendAsync(WithToken(Chat("o3-private"), token));
        using var publicWithToken = await gateway.Client.SendAsync(WithToken(Chat("gpt-4o-mini"), token));
        using var unknownAnonymous = await gateway.Client.SendAsync(Chat("no-such-model"));
        using var unknownWithKey = await gateway.Client.SendAsync(WithKey(Chat("no-such-model"), KeyA));
        var keyModels = await ModelIdsAsync(gateway, WithKey(new HttpRequestMessage(HttpMethod.Get, "/v1/models"), KeyA));
        var tokenModels = await ModelIdsAsync(gateway, WithToken(new HttpRequestMessage(HttpMethod.Get, "/v1/models"), token));
        using var anonymousModels = await gateway.Client.GetAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, publicWithKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, privateWithKey.StatusCode);
        Assert.Equal("missing_token", (await ErrorAsync(privateWithKey)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, privateWithToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, publicWithToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownAnonymous.StatusCode); // the Gateway's policy decides before a 404
        Assert.Equal(HttpStatusCode.NotFound, unknownWithKey.StatusCode);
        Assert.Equal(["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"], keyModels);
        Assert.Equal(["o3-private"], tokenModels);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousModels.StatusCode);
    }
}
