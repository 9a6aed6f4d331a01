using System.Net;
using System.Text.Json;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>Fallback across providers: each attempt is translated and signed for its own backend.</summary>
public sealed class ProviderFallbackTests
{
    private const string Model = "us.amazon.nova-micro-v1:0";

    /// <summary>
    /// The reference provider_fallback example, unchanged but for addresses and the test CA: the primary speaks
    /// plain HTTP where TLS is configured (the handshake always fails), and the request falls back to Bedrock over
    /// TLS with SNI and Host <c>bedrock-runtime.us-east-1.amazonaws.com</c>, signed for us-east-1.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReferenceExample_AlwaysFailingPrimary_FallsBackToBedrock(bool stream)
    {
        using var certificates = TestCertificates.Create();
        await using var failing = await TestUpstream.JsonAsync();
        await using var bedrock = await FakeBedrock.StartAsync(certificate: certificates.IssueServer("bedrock-runtime.us-east-1.amazonaws.com"));
        await using var gateway = await GatewayUnderTest.StartAsync(ReferenceExample(failing.Port, bedrock.Port, certificates.CaPem));

        var body = stream
            ? $$"""{"model":"{{Model}}","stream":true,"messages":[{"role":"user","content":"Hello!"}]}"""
            : $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Hello!"}]}""";
        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", body));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(failing.Requests); // TLS to a plain-HTTP server never gets as far as a request
        var call = Assert.Single(bedrock.Calls);
        Assert.True(call.Signature.Valid, call.Signature.Problem);
        Assert.Equal("us-east-1", call.Signature.Region);
        Assert.Equal("bedrock-runtime.us-east-1.amazonaws.com", call.Request.Header("Host") ?? call.Request.Header(":authority"));
        Assert.Contains(stream ? "\"content\":\" Bedrock\"" : "\"content\":\"Hello from Bedrock\"", text, StringComparison.Ordinal);
        var log = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal(2, log.GetProperty("attempts").GetInt32());
        Assert.Equal("default/provider-fallback-aws", log.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task AzureOpenAIUnavailable_FallsBackToBedrock_WithEachProvidersCredential()
    {
        await using var azure = await TestUpstream.JsonAsync("""{"error":{"message":"The service is temporarily unable to process your request.","type":"server_error"}}""", status: 503);
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(AzureThenBedrock(azure.Port, bedrock.Port));

        using var request = Post("/v1/chat/completions", """{"model":"gpt-4o","max_tokens":64,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello!"}]}""");
        request.Headers.Authorization = new("Bearer", "client-token");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var azureCall = Assert.Single(azure.Requests);
        Assert.Equal("/openai/deployments/gpt-4o/chat/completions?api-version=2025-01-01-preview", azureCall.PathAndQuery);
        Assert.Equal("azure-key", azureCall.Header("api-key"));
        var bedrockCall = Assert.Single(bedrock.Calls);
        Assert.True(bedrockCall.Signature.Valid, bedrockCall.Signature.Problem);
        Assert.Equal("/model/us.amazon.nova-pro-v1%3A0/converse", bedrockCall.Request.RawTarget); // modelNameOverride
        Assert.Null(bedrockCall.Request.Header("api-key"));
        Assert.Equal("""[{"text":"Be brief."}]""", bedrockCall.Body.GetProperty("system").GetRawText());
        Assert.Equal(64, bedrockCall.Body.GetProperty("inferenceConfig").GetProperty("maxTokens").GetInt32());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Hello from Bedrock", json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task BedrockRegionToRegion_ThrottledRegionFallsBackToAnother_SignedForEachRegion()
    {
        await using var east = await FakeBedrock.StartAsync((context, _) => FakeBedrock.ErrorAsync(context, 503, "ServiceUnavailableException", "Bedrock is unable to process your request."));
        await using var west = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(TwoBedrockRegions(east.Port, west.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Hello!"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("us-east-1", Assert.Single(east.Calls).Signature.Region);
        var westCall = Assert.Single(west.Calls);
        Assert.True(westCall.Signature.Valid, westCall.Signature.Problem);
        Assert.Equal("us-west-2", westCall.Signature.Region);
        Assert.Equal("/model/us.amazon.nova-micro-v1%3A0/converse", westCall.Request.RawTarget);
    }

    private static string TwoBedrockRegions(int eastPort, int westPort)
    {
        var yaml = $$"""
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: chat, namespace: default}
            spec:
              rules:
                - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: "{{Model}}"}]}]
                  backendRefs:
                    - {name: bedrock-us-east-1, priority: 0}
                    - {name: bedrock-us-west-2, priority: 1}
            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: BackendTrafficPolicy
            metadata: {name: chat-fallback, namespace: default}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
              retry:
                numRetries: 1
                retryOn: {triggers: [retriable-status-codes], httpStatusCodes: [429, 503]}
            """;
        foreach (var (region, port) in new[] { ("us-east-1", eastPort), ("us-west-2", westPort) })
        {
            yaml += $$"""

                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: bedrock-{{region}}, namespace: default}
                spec:
                  schema: {name: AWSBedrock}
                  backendRef: {name: bedrock-{{region}}, kind: Backend, group: gateway.envoyproxy.io}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: bedrock-{{region}}, namespace: default}
                spec:
                  endpoints: [{ip: {address: 127.0.0.1, port: {{port}} } }]
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: BackendSecurityPolicy
                metadata: {name: bedrock-{{region}}, namespace: default}
                spec:
                  targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: bedrock-{{region}} }]
                  type: AWSCredentials
                  awsCredentials: {region: {{region}}, credentialsFile: {secretRef: {name: aws-credentials} } }
                """;
        }

        return yaml + "\n" + Configs.AwsCredentialsSecret();
    }

    private static string ReferenceExample(int failingPort, int bedrockPort, string caPem)
    {
        var directory = Path.Combine(Sluice.TestSupport.TestPaths.SharedReference, "examples", "provider_fallback");
        var yaml = File.ReadAllText(Path.Combine(directory, "base.yaml")) + "\n---\n" + File.ReadAllText(Path.Combine(directory, "fallback.yaml"));
        var replacements = new (string From, string To)[]
        {
            ("    - fqdn:\n        hostname: provider-fallback-always-failing-upstream.default.svc.cluster.local\n        port: 443", $"    - ip: {{address: 127.0.0.1, port: {failingPort}}}"),
            ("    - fqdn:\n        hostname: bedrock-runtime.us-east-1.amazonaws.com\n        port: 443", $"    - ip: {{address: 127.0.0.1, port: {bedrockPort}}}"),
            ("    wellKnownCACertificates: \"System\"\n    hostname: bedrock-runtime.us-east-1.amazonaws.com", "    caCertificateRefs: [{name: test-ca, kind: ConfigMap}]\n    hostname: bedrock-runtime.us-east-1.amazonaws.com"),
            ("aws_access_key_id = AWS_ACCESS_KEY_ID", $"aws_access_key_id = {FakeBedrock.AccessKey}"),
            ("aws_secret_access_key = AWS_SECRET_ACCESS_KEY", $"aws_secret_access_key = {FakeBedrock.SecretKey}"),
        };
        foreach (var (from, to) in replacements)
        {
            Assert.Contains(from, yaml, StringComparison.Ordinal); // the example still reads as this test expects
            yaml = yaml.Replace(from, to, StringComparison.Ordinal);
        }

        var pem = string.Join("\n", caPem.Split('\n').Select(static l => "    " + l));
        return yaml + $"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: test-ca, namespace: default}}\ndata:\n  ca.crt: |\n{pem}\n";
    }

    private static string AzureThenBedrock(int azurePort, int bedrockPort) => $$"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: chat, namespace: default}
        spec:
          rules:
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: gpt-4o}]}]
              backendRefs:
                - {name: azure, priority: 0}
                - {name: bedrock, priority: 1, modelNameOverride: "us.amazon.nova-pro-v1:0"}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: BackendTrafficPolicy
        metadata: {name: chat-fallback, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
          retry:
            numRetries: 2
            retryOn: {triggers: [connect-failure, retriable-status-codes], httpStatusCodes: [500, 503]}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: azure, namespace: default}
        spec:
          schema: {name: AzureOpenAI, version: 2025-01-01-preview}
          backendRef: {name: azure-upstream, kind: Backend, group: gateway.envoyproxy.io}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {name: azure-upstream, namespace: default}
        spec:
          endpoints: [{ip: {address: 127.0.0.1, port: {{azurePort}} } }]
        ---
        {{Configs.ApiKey("azure-key", backend: "azure", type: "AzureAPIKey").TrimStart().TrimStart('-').TrimStart()}}
        ---
        {{Configs.Bedrock(bedrockPort, model: "unused-model").Split("---\napiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIServiceBackend", 2)[1].Insert(0, "apiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIServiceBackend")}}
        """;
}
