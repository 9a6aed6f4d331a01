using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;
using Sluice.TestSupport;

namespace Sluice.Gateway;

/// <summary>
/// What the client access tests share: an upstream that answers chat completions and records requests, a test
/// identity provider with its JWKS served on 127.0.0.1, and the YAML the tests start gateways with.
/// </summary>
public abstract class ClientAuthTestBase : IAsyncLifetime
{
    private protected const string KeyA = "sk-team-a-0001";
    private protected const string KeyB = "sk-team-b-0002";

    private const string ChatAnswer = """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello."},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";

    private protected TestJwtIssuer Issuer { get; } = new("https://issuer.test");
    private protected TestUpstream Upstream { get; private set; } = null!;
    private protected TestUpstream Jwks { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ChatAnswer);
        });
        Jwks = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Issuer.JwksJson);
        });
    }

    public async Task DisposeAsync()
    {
        await Upstream.DisposeAsync();
        await Jwks.DisposeAsync();
        Issuer.Dispose();
    }
    private protected const string Gateway = """

        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: eg, namespace: default}
        spec:
          gatewayClassName: eg
          listeners: [{name: http, protocol: HTTP, port: 1975}]
        """;

    private protected string Routes(bool backendKey = true) => $$"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: chat, namespace: default}
        spec:
          parentRefs: [{name: eg, kind: Gateway, group: gateway.networking.k8s.io}]
          rules:
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: gpt-4o-mini}]}]
              backendRefs: [{name: openai}]
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: gpt-4o}]}]
              backendRefs: [{name: openai}]
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: text-embedding-3-small}]}]
              backendRefs: [{name: openai}]
        {{Configs.OpenAIBackend(Upstream.Port)}}
        """ + (backendKey ? BackendKey : string.Empty);

    private protected static readonly string BackendKey = Configs.ApiKey("sk-upstream");

    private protected static string PrivateRoute() => """

        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: private, namespace: default}
        spec:
          rules:
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: o3-private}]}]
              backendRefs: [{name: openai}]
        """;

    private protected string ApiKeyConfig(bool allowList = true, bool backendKey = true) => Routes(backendKey) + Gateway + $$"""

        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: SecurityPolicy
        metadata:
          name: client-keys
          namespace: default
        {{(allowList ? AllowListAnnotation : string.Empty)}}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: eg}]
          apiKeyAuth:
            credentialRefs: [{group: "", kind: Secret, name: client-keys}]
            extractFrom: [{headers: [x-api-key, Authorization]}]
            forwardClientIDHeader: x-client-id
            sanitize: true
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: client-keys, namespace: default}
        type: Opaque
        stringData:
          team-a: {{KeyA}}
          team-b: {{KeyB}}
        """;

    private protected const string AllowListAnnotation = """
          annotations:
            sluice.io/allowed-models: |
              clientIDs:
                team-a: [gpt-4o-mini]
                team-b: ["*"]
        """;

    private protected string JwtConfig(bool backendKey = true) => Routes(backendKey) + $$"""

        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: SecurityPolicy
        metadata:
          name: chat-jwt
          namespace: default
          annotations:
            sluice.io/allowed-models: |
              jwtClaim:
                name: groups
                values:
                  research: ["*"]
              default: [gpt-4o-mini]
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
          jwt:
            providers:
              - name: test-idp
                issuer: {{Issuer.Issuer}}
                audiences: [sluice-clients]
                remoteJWKS: {uri: "http://127.0.0.1:{{Jwks.Port}}/jwks"}
                claimToHeaders:
                  - {claim: sub, header: x-user}
                  - {claim: org.tier, header: x-tier}
        """;

    private protected static HttpRequestMessage Chat(string model) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"),
    };

    private protected static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.TryAddWithoutValidation("x-api-key", key);
        return request;
    }

    private protected static HttpRequestMessage WithToken(HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private protected static async Task<JsonElement> ErrorAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

    private protected static async Task<string[]> ModelIdsAsync(GatewayUnderTest gateway, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("list", list.GetProperty("object").GetString());
            return [.. list.GetProperty("data").EnumerateArray().Select(static m => m.GetProperty("id").GetString()!)];
        }
    }
}
