using Sluice.TestSupport;

namespace Sluice.Configuration;

public sealed class AwsCredentialsConfigTests : IDisposable
{
    private readonly ConfigFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("awsCredentials: {region: us-east-1}", null)]
    [InlineData("awsCredentials: {}", "spec.awsCredentials.region: is required")]
    [InlineData("awsCredentials: {region: US East}", "spec.awsCredentials.region: 'US East' is not an AWS region such as us-east-1")]
    [InlineData("awsCredentials: {region: us-east-1, credentialsFile: {profile: x}}", "spec.awsCredentials.credentialsFile.secretRef: is required")]
    [InlineData("awsCredentials: {region: us-east-1, credentialsFile: {secretRef: {name: missing}}}", "Secret \"missing\" not found in namespace default")]
    [InlineData("awsCredentials: {region: us-east-1, oidcExchangeToken: {awsRoleArn: role/x, oidc: {provider: {issuer: 'https://i'}, clientID: c, clientSecret: {name: s}}}}", "'role/x' is not an IAM role ARN")]
    [InlineData("awsCredentials: {region: us-east-1, oidcExchangeToken: {oidc: {provider: {issuer: 'https://i'}, clientID: c, clientSecret: {name: s}}}}", "spec.awsCredentials.oidcExchangeToken.awsRoleArn: is required")]
    public void AwsCredentials_AreValidatedWithFileLineAndField(string awsCredentials, string? expectedError)
    {
        var yaml = Yaml.Minimal().Replace("name: OpenAI", "name: AWSBedrock", StringComparison.Ordinal) + $$"""

            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: BackendSecurityPolicy
            metadata: {name: aws, namespace: default}
            spec:
              targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: gpt}]
              type: AWSCredentials
              {{awsCredentials}}
            """;

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        if (expectedError is null)
        {
            ConfigFixture.AssertNoErrors(diagnostics);
            Assert.Equal("aws.bedrock", snapshot!.Backends.Single().Translator.ProviderName);
        }
        else
        {
            ConfigFixture.AssertHasError(diagnostics, expectedError);
        }
    }

    [Fact]
    public void CredentialsFileWithoutKeys_IsAnError()
    {
        var yaml = Yaml.Minimal().Replace("name: OpenAI", "name: AWSBedrock", StringComparison.Ordinal) + """

            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: BackendSecurityPolicy
            metadata: {name: aws, namespace: default}
            spec:
              targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: gpt}]
              type: AWSCredentials
              awsCredentials: {region: us-east-1, credentialsFile: {secretRef: {name: aws}}}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: aws, namespace: default}
            stringData: {credentials: "just some text"}
            """;

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "the credentials file in Secret \"aws\" is not an AWS credentials file");
    }
}
