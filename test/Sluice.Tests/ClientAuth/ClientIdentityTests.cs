using System.Text.Json;

namespace Sluice.ClientAuth;

public sealed class ClientIdentityTests
{
    [Theory]
    [InlineData("""{"sub":"alice"}""", "alice")]
    [InlineData("""{"sub":"alice\ud800"}""", "alice\uFFFD")]
    [InlineData("""{"sub":7}""", "anonymous")]
    public void Describe_TokenSubject_IsReadForLogsWithUnreadableTextAsAReplacementCharacter(string claims, string expected)
    {
        using var document = JsonDocument.Parse(claims);

        Assert.Equal(expected, new ClientIdentity(null, "idp", document.RootElement, []).Describe());
    }
}
