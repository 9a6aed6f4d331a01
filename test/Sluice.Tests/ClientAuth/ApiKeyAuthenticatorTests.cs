using Microsoft.AspNetCore.Http;

namespace Sluice.ClientAuth;

public sealed class ApiKeyAuthenticatorTests
{
    private static readonly ApiKeyAuthenticator Authenticator = new(
        new ApiKeyTable([("team-a", "key-a"), ("team-b", "key-b"), ("team-c", "a-much-longer-key-for-team-c")]),
        ["x-api-key", "Authorization"],
        "x-client-id");

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        return dictionary;
    }

    [Theory]
    [InlineData("x-api-key", "key-a", "team-a")]
    [InlineData("x-api-key", "Bearer key-b", "team-b")]
    [InlineData("Authorization", "Bearer key-b", "team-b")]
    [InlineData("authorization", "bearer a-much-longer-key-for-team-c", "team-c")]
    public void Authenticate_KnownKey_ReturnsItsClientId(string header, string value, string clientId)
    {
        var (failure, id, _) = Authenticator.Authenticate(Headers((header, value)));

        Assert.Equal(ClientAuthFailure.None, failure);
        Assert.Equal(clientId, id);
    }

    [Fact]
    public void Authenticate_FirstListedHeaderWins()
    {
        var (_, id, _) = Authenticator.Authenticate(Headers(("Authorization", "Bearer key-b"), ("x-api-key", "key-a")));

        Assert.Equal("team-a", id);
    }

    [Theory]
    [InlineData("key-A")]
    [InlineData("key-a x")]
    [InlineData("key-")]
    [InlineData("key-ab")]
    [InlineData("Bearer")]
    public void Authenticate_UnknownKey_IsInvalidAndNotEchoed(string key)
    {
        var (failure, id, message) = Authenticator.Authenticate(Headers(("x-api-key", key)));

        Assert.Equal(ClientAuthFailure.InvalidApiKey, failure);
        Assert.Null(id);
        Assert.DoesNotContain(key, message!, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_NoKey_IsMissingAndNamesTheHeaders()
    {
        var (failure, _, message) = Authenticator.Authenticate(Headers(("x-other", "key-a"), ("x-api-key", "")));

        Assert.Equal(ClientAuthFailure.MissingApiKey, failure);
        Assert.Contains("x-api-key or Authorization (Bearer <key>)", message!, StringComparison.Ordinal);
        Assert.Equal("Bearer realm=\"sluice\"", Authenticator.Challenge);
    }

    [Fact]
    public void Find_AmongManyKeys_FindsEachExactlyOnce()
    {
        var credentials = Enumerable.Range(0, 500).Select(i => ($"client-{i}", $"sk-{i:D6}")).ToList();
        var table = new ApiKeyTable(credentials);

        Assert.Equal("client-0", table.Find("sk-000000"));
        Assert.Equal("client-499", table.Find("sk-000499"));
        Assert.Null(table.Find("sk-000500"));
        Assert.Null(table.Find(""));
        Assert.Null(table.Find(new string('k', 10_000)));
    }
}
