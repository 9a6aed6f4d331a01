using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Infrastructure;
using Sluice.TestSupport;

namespace Sluice.Gateway;

/// <summary>Client access control end to end with JWTs: remote JWKS on 127.0.0.1, inline JWKS, claims and allow-lists.</summary>
public sealed class ClientAuthJwtTests : ClientAuthTestBase
{
    // ---- jwt with a remote JWKS, on the route ----

    [Fact]
    public async Task Jwt_Valid_IsForwardedWithClaimHeaders_WithoutTheToken_AndTheJwksIsFetchedOnce()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(JwtConfig(backendKey: false));
        var token = Issuer.CreateToken(new Dictionary<string, object> { ["sub"] = "alice", ["org"] = new Dictionary<string, object> { ["tier"] = "gold" } });

        for (var i = 0; i < 3; i++)
        {
            using var request = WithToken(Chat("gpt-4o-mini"), token);
            request.Headers.TryAddWithoutValidation("x-user", "mallory"); // forged: replaced by the claim
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var received = Upstream.LastRequest;
        Assert.Equal("alice", received.Header("x-user"));
        Assert.Equal("gold", received.Header("x-tier"));
        Assert.Null(received.Header("Authorization"));
        Assert.Single(Jwks.Requests);
        Assert.Equal("/jwks", Jwks.LastRequest.PathAndQuery);
    }

    [Theory]
    [InlineData("wrong-issuer", "the token's issuer is not accepted")]
    [InlineData("wrong-audience", "the token's audience is not accepted")]
    [InlineData("expired", "the token has expired")]
    [InlineData("other-key", "the token's signature does not verify")]
    public async Task Jwt_Invalid_Is401WithAnInvalidTokenChallenge(string kind, string message)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(JwtConfig());
        using var forger = new TestJwtIssuer(Issuer.Issuer, Issuer.KeyId);
        var now = DateTime.UtcNow;
        var token = kind switch
        {
            "wrong-issuer" => Issuer.CreateToken(issuer: "https://evil.test"),
            "wrong-audience" => Issuer.CreateToken(audience: "another-api"),
            "expired" => Issuer.CreateToken(notBefore: now.AddHours(-2), expires: now.AddMinutes(-5)),
            _ => forger.CreateToken(),
        };

        using var response = await gateway.Client.SendAsync(WithToken(Chat("gpt-4o-mini"), token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"sluice\", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("invalid_token", error.GetProperty("code").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString()!, StringComparison.Ordinal);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task Jwt_Missing_Is401()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(JwtConfig());

        using var response = await gateway.Client.SendAsync(Chat("gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"sluice\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("missing_token", (await ErrorAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Jwt_AllowListByClaim_OnChatAndModels()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(JwtConfig());
        var researcher = Issuer.CreateToken(new Dictionary<string, object> { ["sub"] = "rita", ["groups"] = new[] { "staff", "research" } });
        var staff = Issuer.CreateToken(new Dictionary<string, object> { ["sub"] = "sam", ["groups"] = new[] { "staff" } });

        using var researcherChat = await gateway.Client.SendAsync(WithToken(Chat("gpt-4o"), researcher));
        using var staffChat = await gateway.Client.SendAsync(WithToken(Chat("gpt-4o"), staff));
        var researcherModels = await ModelIdsAsync(gateway, WithToken(new HttpRequestMessage(HttpMethod.Get, "/v1/models"), researcher));
        var staffModels = await ModelIdsAsync(gateway, WithToken(new HttpRequestMessage(HttpMethod.Get, "/v1/models"), staff));

        Assert.Equal(HttpStatusCode.OK, researcherChat.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, staffChat.StatusCode);
        Assert.Contains("'sam'", (await ErrorAsync(staffChat)).GetProperty("message").GetString()!, StringComparison.Ordinal);
        Assert.Equal(["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"], researcherModels);
        Assert.Equal(["gpt-4o-mini"], staffModels);
    }

    [Fact]
    public async Task Jwt_JwksUnreachable_Is503NotTheClientsFault()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(JwtConfig().Replace($"127.0.0.1:{Jwks.Port}", "127.0.0.1:1", StringComparison.Ordinal));

        using var response = await gateway.Client.SendAsync(WithToken(Chat("gpt-4o-mini"), Issuer.CreateToken()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("auth_unavailable", (await ErrorAsync(response)).GetProperty("code").GetString());
        Assert.Empty(Upstream.Requests);
    }

    // ---- jwt with an inline localJWKS ----

    [Fact]
    public async Task Jwt_InlineLocalJwks_ValidatesWithoutAnyFetch()
    {
        var jwks = Issuer.JwksJson.Replace("'", "''", StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(Routes() + Gateway + $$"""

            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: SecurityPolicy
            metadata: {name: local-jwt, namespace: default}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: eg}]
              jwt:
                providers:
                  - name: inline
                    issuer: {{Issuer.Issuer}}
                    localJWKS:
                      type: Inline
                      inline: '{{jwks}}'
            """);
        using var forger = new TestJwtIssuer(Issuer.Issuer, Issuer.KeyId);

        using var valid = await gateway.Client.SendAsync(WithToken(Chat("gpt-4o-mini"), Issuer.CreateToken()));
        using var forged = await gateway.Client.SendAsync(WithToken(Chat("gpt-4o-mini"), forger.CreateToken()));

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Empty(Jwks.Requests);
    }
}
