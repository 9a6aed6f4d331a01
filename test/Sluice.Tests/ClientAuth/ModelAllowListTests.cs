using System.Text.Json;

namespace Sluice.ClientAuth;

public sealed class ModelAllowListTests
{
    private static readonly ModelAllowList AllowList = new(
        new Dictionary<string, ModelSet> { ["team-a"] = ModelSet.From(["gpt-4o-mini"]), ["admin"] = ModelSet.From(["*"]) },
        "realm.groups",
        new Dictionary<string, ModelSet> { ["research"] = ModelSet.From(["gpt-4o"]), ["support"] = ModelSet.From(["gpt-4o-mini"]), ["7"] = ModelSet.From(["o3"]) },
        ModelSet.From(["tiny"]));

    private static ClientIdentity Token(string payload) => new(null, "idp", JsonDocument.Parse(payload).RootElement.Clone(), []);

    [Fact]
    public void Allows_ByClientId()
    {
        var client = new ClientIdentity("team-a", null, null, []);

        Assert.True(AllowList.Allows(client, "gpt-4o-mini"));
        Assert.False(AllowList.Allows(client, "gpt-4o"));
        Assert.False(AllowList.Allows(client, "tiny")); // a named client does not also get the default
    }

    [Fact]
    public void Allows_Wildcard_AllowsEveryModel()
    {
        Assert.True(AllowList.Allows(new ClientIdentity("admin", null, null, []), "anything-at-all"));
    }

    [Fact]
    public void Allows_ByEveryValueOfAnArrayClaim_IsTheUnion()
    {
        var caller = Token("""{"sub":"bob","realm":{"groups":["support","research","unknown"]}}""");

        Assert.True(AllowList.Allows(caller, "gpt-4o"));
        Assert.True(AllowList.Allows(caller, "gpt-4o-mini"));
        Assert.False(AllowList.Allows(caller, "tiny"));
    }

    [Fact]
    public void Allows_ClaimValueWithALoneSurrogateEscape_MatchesNothing()
    {
        Assert.True(AllowList.Allows(Token("""{"realm":{"groups":["\ud800","research"]}}"""), "gpt-4o"));
        Assert.True(AllowList.Allows(Token("""{"realm":{"groups":"support\udc00"}}"""), "tiny")); // as an unknown value: the default
        Assert.True(AllowList.Allows(Token("""{"realm":{"x":1,"\ud800":2}}"""), "tiny"));
    }

    [Fact]
    public void Allows_NumberClaimValue_MatchesItsText()
    {
        Assert.True(AllowList.Allows(Token("""{"realm":{"groups":7}}"""), "o3"));
    }

    [Fact]
    public void Allows_UnnamedCaller_GetsTheDefault()
    {
        Assert.True(AllowList.Allows(Token("""{"sub":"carol"}"""), "tiny"));
        Assert.False(AllowList.Allows(ClientIdentity.Anonymous, "gpt-4o-mini"));
        Assert.True(AllowList.Allows(ClientIdentity.Anonymous, "tiny"));
    }

    [Fact]
    public void Allows_NoDefault_AllowsNothing()
    {
        var list = new ModelAllowList(new Dictionary<string, ModelSet>(), null, new Dictionary<string, ModelSet>(), ModelSet.None);

        Assert.False(list.Allows(new ClientIdentity("team-a", null, null, []), "gpt-4o-mini"));
    }
}
