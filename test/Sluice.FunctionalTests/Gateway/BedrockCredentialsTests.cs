using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>Where Bedrock credentials come from: a rotated credentials file, and STS web identity with an OIDC token.</summary>
public sealed class BedrockCredentialsTests
{
    private const string Chat = """{"model":"us.amazon.nova-micro-v1:0","messages":[{"role":"user","content":"hi"}]}""";

    private static readonly Dictionary<string, string> TwoKeys = new()
    {
        [FakeBedrock.AccessKey] = FakeBedrock.SecretKey,
        ["AKIDROTATED"] = "rotated-secret",
        ["ASIATEMPORARY"] = "temporary-secret",
    };

    [Fact]
    public async Task RotatedCredentialsFile_IsUsedWithinFiveSeconds()
    {
        var directory = Path.Combine(Path.GetTempPath(), "sluice-functional-keys", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "credentials");
        await File.WriteAllTextAsync(file, $"[default]\naws_access_key_id = {FakeBedrock.AccessKey}\naws_secret_access_key = {FakeBedrock.SecretKey}\n");
        var secret = $$"""
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: aws-credentials
              namespace: default
              annotations:
                substitution.aigw.run/file/credentials: {{file}}
            """;
        await using var bedrock = await FakeBedrock.StartAsync(secrets: TwoKeys);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, extraDocuments: secret));
        using (var first = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(FakeBedrock.AccessKey, bedrock.LastCall.Signature.AccessKey);
        }

        var generation = gateway.Generation;
        await File.WriteAllTextAsync(file, "[default]\naws_access_key_id = AKIDROTATED\naws_secret_access_key = rotated-secret\n");
        Assert.True(await gateway.WaitForGenerationAboveAsync(generation, TimeSpan.FromSeconds(5)), "rotation not picked up within 5 s");

        using var next = await gateway.Client.SendAsync(Post("/v1/chat/completions", Chat));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("AKIDROTATED", bedrock.LastCall.Signature.AccessKey);
        Assert.True(bedrock.LastCall.Signature.Valid);
    }

    [Fact]
    public async Task MissingProfile_IsAConfigErrorNamingTheSecretAndProfiles()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        var yaml = Configs.Bedrock(bedrock.Port, credentials: "region: us-east-1\ncredentialsFile: {secretRef: {name: aws-credentials}, profile: prod}");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayUnderTest.StartAsync(yaml));

        Assert.Contains("the credentials file in Secret \"aws-credentials\" has no profile 'prod' (profiles: default)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OidcExchangeToken_AssumesTheRoleAtSts_AndSignsWithTheTemporaryCredentials()
    {
        var stsCalls = new List<string>();
        await using var oidc = await TestUpstream.JsonAsync("""{"access_token":"oidc-id-token-123","token_type":"Bearer","expires_in":3600}""");
        await using var sts = await TestUpstream.StartAsync(async (context, received) =>
        {
            lock (stsCalls)
            {
                stsCalls.Add(received.BodyText);
            }

            await WriteStsAnswerAsync(context, received);
        });
        await using var bedrock = await FakeBedrock.StartAsync(secrets: TwoKeys);
        var credentials = $$"""
            region: us-east-1
            oidcExchangeToken:
              awsRoleArn: arn:aws:iam::123456789012:role/bedrock-caller
              oidc:
                provider: {tokenEndpoint: "http://127.0.0.1:{{oidc.Port}}/token"}
                clientID: sluice
                clientSecret: {name: oidc-secret}
            """;
        var secret = """
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: oidc-secret, namespace: default}
            stringData: {client-secret: oidc-client-secret}
            """;
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL_STS"] = $"http://127.0.0.1:{sts.Port}" };
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port, credentials: credentials, extraDocuments: secret), environment.GetValueOrDefault);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => gateway.Client.SendAsync(Post("/v1/chat/completions", Chat))));

        Assert.All(responses, static r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(bedrock.Calls, static call =>
        {
            Assert.True(call.Signature.Valid, call.Signature.Problem);
            Assert.Equal("ASIATEMPORARY", call.Signature.AccessKey);
            Assert.Equal("temporary-session-token", call.Request.Header("x-amz-security-token"));
        });
        Assert.Single(stsCalls); // cached and shared by concurrent requests
        Assert.Contains("oidc-id-token-123", stsCalls[0], StringComparison.Ordinal);
        Assert.Contains("bedrock-caller", stsCalls[0], StringComparison.Ordinal);
        Assert.Contains("client_secret=oidc-client-secret", oidc.LastRequest.BodyText, StringComparison.Ordinal);
    }

    /// <summary>STS's AssumeRoleWithWebIdentity answer, in the protocol the SDK spoke (query/XML or JSON).</summary>
    private static Task WriteStsAnswerAsync(HttpContext context, ReceivedRequest received)
    {
        var expiration = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        if (received.Header("Content-Type")?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            context.Response.ContentType = "application/x-amz-json-1.1";
            return context.Response.WriteAsync("""{"Credentials":{"AccessKeyId":"ASIATEMPORARY","SecretAccessKey":"temporary-secret","SessionToken":"temporary-session-token","Expiration":"EXPIRATION"}}""".Replace("EXPIRATION", expiration, StringComparison.Ordinal));
        }

        context.Response.ContentType = "text/xml";
        return context.Response.WriteAsync($"""
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <Credentials>
                  <AccessKeyId>ASIATEMPORARY</AccessKeyId>
                  <SecretAccessKey>temporary-secret</SecretAccessKey>
                  <SessionToken>temporary-session-token</SessionToken>
                  <Expiration>{expiration}</Expiration>
                </Credentials>
                <SubjectFromWebIdentityToken>sluice</SubjectFromWebIdentityToken>
                <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/bedrock-caller/sluice</Arn><AssumedRoleId>AROA:sluice</AssumedRoleId></AssumedRoleUser>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """, Encoding.UTF8);
    }
}
