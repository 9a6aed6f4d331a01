using System.Net;
using System.Text.Json;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Endpoints.Azure;

/// <summary>GET /msi/token, the App Service managed-identity protocol (api-version 2019-08-01).</summary>
public class ManagedIdentityTokenTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string TokenPath = "msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fcognitiveservices.azure.com&client_id=my-client";

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Token_WithIdentityHeader_IsAOneHourBearerTokenForTheResource()
    {
        JsonElement token = await GetTokenAsync();

        Assert.StartsWith("sim-entra-", token.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, token.GetProperty("expires_on").ValueKind); // a string, as MSAL reads it
        long expiresOn = long.Parse(token.GetProperty("expires_on").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresOn - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 3500, 3700);
        Assert.Equal("https://cognitiveservices.azure.com", token.GetProperty("resource").GetString());
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.Equal("my-client", token.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task Token_EachCallIssuesANewOne()
    {
        string first = (await GetTokenAsync()).GetProperty("access_token").GetString()!;
        string second = (await GetTokenAsync()).GetProperty("access_token").GetString()!;

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Token_WithoutIdentityHeader_Is401WithAnOAuthError()
    {
        using HttpResponseMessage response = await Client.GetAsync(TokenPath);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement error = SimulatorHttp.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized", error.GetProperty("error").GetString());
        Assert.Contains("X-IDENTITY-HEADER", error.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("msi/token?api-version=2017-09-01&resource=r", "api-version")]
    [InlineData("msi/token?resource=r", "api-version")]
    [InlineData("msi/token?api-version=2019-08-01", "resource")]
    public async Task Token_BadQuery_Is400(string path, string named)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-IDENTITY-HEADER", "anything");
        using HttpResponseMessage response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement error = SimulatorHttp.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request", error.GetProperty("error").GetString());
        Assert.Contains(named, error.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssuedToken_IsRecognisedOnLaterRequests_WithoutBeingEchoed()
    {
        string token = (await GetTokenAsync()).GetProperty("access_token").GetString()!;

        Assert.Equal("issued-token", await CredentialSeenAsync("Bearer " + token));
        Assert.Equal("bearer", await CredentialSeenAsync("Bearer sim-entra-not-issued-by-this-server"));
        Assert.Equal("aws-sigv4", await CredentialSeenAsync("AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/bedrock/aws4_request"));
        Assert.Equal("none", await CredentialSeenAsync(null));
    }

    private async Task<JsonElement> GetTokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TokenPath);
        request.Headers.Add("X-IDENTITY-HEADER", "identity-header-value");
        return await SimulatorHttp.SendJsonAsync(Client, request);
    }

    private async Task<string> CredentialSeenAsync(string? authorization)
    {
        using HttpRequestMessage request = SimulatorHttp.Post("openai/deployments/d/chat/completions?api-version=v", SimulatorHttp.Chat("x"));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using HttpResponseMessage response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string seen = response.Headers.GetValues("x-sim-saw-credential").Single();
        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers)
        {
            Assert.DoesNotContain(header.Value, v => authorization is not null && v.Contains(authorization[7..], StringComparison.Ordinal));
        }

        return seen;
    }
}
