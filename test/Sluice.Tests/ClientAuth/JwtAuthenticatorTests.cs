using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Sluice.TestSupport;

namespace Sluice.ClientAuth;

public sealed class JwtAuthenticatorTests : IDisposable
{
    private readonly TestJwtIssuer _issuer = new("https://issuer.test");
    private readonly TestJwtIssuer _otherIssuer = new("https://other.test", "other-key");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        _issuer.Dispose();
        _otherIssuer.Dispose();
    }

    private JwtProvider Provider(TestJwtIssuer issuer, string name = "idp", string[]? audiences = null, HeaderCredentialSource[]? sources = null) => new(
        name,
        issuer.Issuer,
        audiences ?? ["sluice-clients"],
        new LocalJwksSource(JwksKeySet.TryParse(issuer.JwksJson, out _)!),
        sources ?? [],
        [new("sub", "x-user"), new("org.tier", "x-tier"), new("groups", "x-groups"), new("level", "x-level")],
        _time);

    private static HeaderDictionary Bearer(string token) => new() { ["Authorization"] = "Bearer " + token };

    [Fact]
    public async Task Authenticate_ValidToken_ReturnsItsClaims()
    {
        var authenticator = new JwtAuthenticator([Provider(_issuer)], optional: false);
        var token = _issuer.CreateToken(new Dictionary<string, object> { ["sub"] = "alice", ["org"] = new Dictionary<string, object> { ["tier"] = "gold" }, ["level"] = 3, ["groups"] = new[] { "a", "b" } });

        var (result, provider) = await authenticator.AuthenticateAsync(Bearer(token), default);

        Assert.Equal(ClientAuthFailure.None, result.Failure);
        Assert.Equal("idp", provider!.Name);
        var headers = JwtAuthenticator.ClaimHeaders(provider, result.Claims!.Value).ToDictionary();
        Assert.Equal("alice", headers["x-user"]);
        Assert.Equal("gold", headers["x-tier"]);
        Assert.Equal("3", headers["x-level"]);
        Assert.False(headers.ContainsKey("x-groups")); // arrays are not header values, as in Envoy
    }

    [Fact]
    public async Task Authenticate_WrongIssuer_IsInvalid()
    {
        var authenticator = new JwtAuthenticator([Provider(_issuer)], optional: false);

        var (result, _) = await authenticator.AuthenticateAsync(Bearer(_issuer.CreateToken(issuer: "https://evil.test")), default);

        Assert.Equal(ClientAuthFailure.InvalidToken, result.Failure);
        Assert.Equal("the token's issuer is not accepted", result.Message);
    }

    [Fact]
    public async Task Authenticate_WrongAudience_IsInvalid()
    {
        var authenticator = new JwtAuthenticator([Provider(_issuer)], optional: false);

        var (result, _) = await authenticator.AuthenticateAsync(Bearer(_issuer.CreateToken(audience: "someone-else")), default);

        Assert.Equal(ClientAuthFailure.InvalidToken, result.Failure);
        Assert.Equal("the token's audience is not accepted", result.Message);
    }

    [Fact]
    public async Task Authenticate_SignedByAnotherKey_IsInvalid()
    {
        using var forger = new TestJwtIssuer(_issuer.Issuer, _issuer.KeyId); // same issuer and kid, different key
        var authenticator = new JwtAuthenticator([Provider(_issuer)], optional: false);

        var (result, _) = await authenticator.AuthenticateAsync(Bearer(forger.CreateToken()), default);

        Assert.Equal(ClientAuthFailure.InvalidToken, result.Failure);
        Assert.Equal("the token's signature does not verify with the provider's keys", result.Message);
    }

    [Fact]
    public async Task Authenticate_TokenExpiresOnTheInjectedClock_WithSixtySecondsOfSkew()
    {
        var authenticator = new JwtAuthenticator([Provider(_issuer)], optional: false);
        var token = _issuer.CreateToken(expires: _time.GetUtcNow().UtcDateTime.AddMinutes(5));

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));
        var (withinSkew, _) = await authenticator.AuthenticateAsync(Bearer(token), default);
        _time.Advance(TimeSpan.FromSeconds(31));
        var (expired, _) = await authenticator.AuthenticateAsync(Bearer(token), default);

        Assert.Equal(ClientAuthFailure.None, withinSkew.Failure);
        Assert.Equal(ClientAuthFailure.InvalidToken, expired.Failure);
        Assert.Equal("the token has expired", expired.Message);
    }

    [Fact]
    public async Task Authenticate_NotAJwt_IsInvalid()
    {
        var authenticator = new JwtAuthenticator([Provider(_issuer)], optional: false);

        var (result, _) = await authenticator.AuthenticateAsync(Bearer("sk-this-is-an-api-key"), default);

        Assert.Equal(ClientAuthFailure.InvalidToken, result.Failure);
        Assert.DoesNotContain("sk-this", result.Message!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_NoToken_IsMissingUnlessOptional()
    {
        var required = new JwtAuthenticator([Provider(_issuer)], optional: false);
        var optional = new JwtAuthenticator([Provider(_issuer)], optional: true);
        var noToken = new HeaderDictionary { ["Authorization"] = "Basic dXNlcjpwYXNz" };

        var (missing, _) = await required.AuthenticateAsync(noToken, default);
        var (anonymous, provider) = await optional.AuthenticateAsync(noToken, default);
        var (invalid, _) = await optional.AuthenticateAsync(Bearer(_otherIssuer.CreateToken()), default);

        Assert.Equal(ClientAuthFailure.MissingToken, missing.Failure);
        Assert.Contains("Authorization (Bearer <token>)", missing.Message!, StringComparison.Ordinal);
        Assert.Equal(ClientAuthFailure.None, anonymous.Failure);
        Assert.Null(provider);
        Assert.Equal(ClientAuthFailure.InvalidToken, invalid.Failure); // optional never admits a bad token
    }

    [Fact]
    public async Task Authenticate_SeveralProviders_TheOneOwningTheIssuerValidates()
    {
        var authenticator = new JwtAuthenticator([Provider(_issuer, "first"), Provider(_otherIssuer, "second")], optional: false);

        var (result, provider) = await authenticator.AuthenticateAsync(Bearer(_otherIssuer.CreateToken()), default);

        Assert.Equal(ClientAuthFailure.None, result.Failure);
        Assert.Equal("second", provider!.Name);
    }

    [Fact]
    public async Task Authenticate_CustomHeaderWithoutPrefix()
    {
        var authenticator = new JwtAuthenticator([Provider(_issuer, sources: [new HeaderCredentialSource("x-jwt", null)])], optional: false);

        var (viaHeader, _) = await authenticator.AuthenticateAsync(new HeaderDictionary { ["x-jwt"] = _issuer.CreateToken() }, default);
        var (viaBearer, _) = await authenticator.AuthenticateAsync(Bearer(_issuer.CreateToken()), default);

        Assert.Equal(ClientAuthFailure.None, viaHeader.Failure);
        Assert.Equal(ClientAuthFailure.MissingToken, viaBearer.Failure);
    }

    [Fact]
    public async Task Policy_AfterAPass_RemovesTheTokenAndForgedClaimHeaders_AndSetsTheClaims()
    {
        var policy = new ClientPolicy("SecurityPolicy default/p", null, new JwtAuthenticator([Provider(_issuer)], optional: false), null);
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + _issuer.CreateToken(new Dictionary<string, object> { ["sub"] = "alice" });
        context.Request.Headers["x-user"] = "mallory";
        context.Request.Headers["x-tier"] = "platinum";

        var access = await policy.AuthenticateAsync(context.Request, default);
        policy.ApplyHeaders(context.Request.Headers, access.Identity!);

        Assert.True(access.Allowed);
        Assert.False(context.Request.Headers.ContainsKey("Authorization"));
        Assert.Equal("alice", context.Request.Headers["x-user"].ToString());
        Assert.False(context.Request.Headers.ContainsKey("x-tier")); // the token has no such claim: the forged one is gone
        Assert.Equal("alice", access.Identity!.Describe());
    }

    [Fact]
    public async Task Authenticate_TopLevelClaimWithALoneSurrogateEscape_IsNotAJwtForTheTokenLibrary()
    {
        var authenticator = new JwtAuthenticator([Provider(_issuer)], optional: false);
        var token = _issuer.CreateTokenWithPayload($$"""{"iss":"{{_issuer.Issuer}}","aud":"sluice-clients","sub":"alice\ud800"}""");

        var (result, _) = await authenticator.AuthenticateAsync(Bearer(token), default);

        Assert.Equal(ClientAuthFailure.InvalidToken, result.Failure); // Microsoft.IdentityModel refuses it: a 401, not Sluice's problem
    }

    [Fact]
    public async Task Authenticate_NestedClaimsWithLoneSurrogateEscapes_AreAcceptedButAreNoHeaders()
    {
        var authenticator = new JwtAuthenticator([Provider(_issuer)], optional: false);
        var token = _issuer.CreateTokenWithPayload($$$"""{"iss":"{{{_issuer.Issuer}}}","aud":"sluice-clients","sub":"alice","org":{"tier":"gold\ud800"},"groups":["a","\udc00"],"level":{"x":1,"\ud800":2}}""");

        var (result, provider) = await authenticator.AuthenticateAsync(Bearer(token), default);
        var headers = JwtAuthenticator.ClaimHeaders(provider!, result.Claims!.Value).ToDictionary();

        Assert.Equal(ClientAuthFailure.None, result.Failure); // the token library reads only the top level
        Assert.Equal("alice", headers["x-user"]);
        Assert.False(headers.ContainsKey("x-tier"));
        Assert.Equal(["a"], JwtClaims.Values(JwtClaims.Find(result.Claims.Value, "groups")!.Value));
        Assert.Null(JwtClaims.Find(result.Claims.Value, "level.y"));
    }

    [Fact]
    public void Claims_DottedPathAndTopLevelNameWithDots()
    {
        var payload = JsonDocument.Parse("""{"a":{"b":{"c":"deep"}},"https://example.com/role":"admin"}""").RootElement;

        Assert.Equal("deep", JwtClaims.Find(payload, "a.b.c")!.Value.GetString());
        Assert.Equal("admin", JwtClaims.Find(payload, "https://example.com/role")!.Value.GetString());
        Assert.Null(JwtClaims.Find(payload, "a.x"));
    }
}
