using System.Text;
using Sluice.LoadTools.Load;

namespace Sluice.LoadTools.Configs;

/// <summary>
/// The Sluice configs the harness runs, all Envoy AI Gateway YAML routing the model of <see cref="Bodies"/> to the
/// fake upstream (<c>sluice simulate</c>, which also speaks Azure OpenAI's and Bedrock's APIs).
/// </summary>
internal static class SluiceConfigs
{
    /// <summary>The client API key of <see cref="Governance"/>.</summary>
    public const string ClientKey = "sk-bench-client";

    /// <summary>The plainest useful Sluice config: one Exact model rule to one OpenAI-schema backend, no credential.</summary>
    public static string Passthrough(int upstreamPort) => Route(Bodies.DefaultModel, "simulator") + OpenAIBackend("simulator", upstreamPort);

    /// <summary>
    /// The passthrough with the features a platform team turns on: client API keys (SecurityPolicy apiKeyAuth),
    /// token costs on the route and an in-process token rate limit per client (BackendTrafficPolicy), so every
    /// request is authenticated, admitted, counted and charged. Usage and metrics are always on; run it with the
    /// access log on to have all of it.
    /// </summary>
    public static string Governance(int upstreamPort) =>
        Gateway() + Route(Bodies.DefaultModel, "simulator", costs: true) + OpenAIBackend("simulator", upstreamPort) + $$"""
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: SecurityPolicy
        metadata: {name: client-keys, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: bench}]
          apiKeyAuth:
            credentialRefs: [{group: "", kind: Secret, name: client-keys}]
            extractFrom: [{headers: [Authorization]}]
            forwardClientIDHeader: x-client-id
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: client-keys, namespace: default}
        stringData:
          bench: {{ClientKey}}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: BackendTrafficPolicy
        metadata: {name: token-budget, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: bench}]
          rateLimit:
            type: Global
            global:
              rules:
                - clientSelectors:
                    - headers: [{name: x-tenant, type: Distinct}]
                  limit: {requests: 1000000000000, unit: Hour}
                  cost:
                    request: {from: Number, number: 0}
                    response:
                      from: Metadata
                      metadata: {namespace: io.envoy.ai_gateway, key: llm_total_token}

        """;

    /// <summary>
    /// Azure OpenAI with a Microsoft Entra ID token: the deployment path rewrite and the bearer token of
    /// Azure.Identity's ManagedIdentityCredential, which fetches it from the fake upstream's App Service managed
    /// identity endpoint (<c>IDENTITY_ENDPOINT</c>, see <see cref="AzureEnvironment"/>).
    /// </summary>
    public static string Azure(int upstreamPort) => Route(Bodies.DefaultModel, "azure") + $$"""
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: azure, namespace: default}
        spec:
          schema: {name: AzureOpenAI, version: 2025-01-01-preview}
          backendRef: {name: azure, kind: Backend, group: gateway.envoyproxy.io}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: BackendSecurityPolicy
        metadata: {name: azure-entra, namespace: default}
        spec:
          targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: azure}]
          type: AzureCredentials
          azureCredentials:
            clientID: bench-client
            tenantID: bench-tenant

        """ + Backend("azure", upstreamPort);

    /// <summary>The environment that points Azure.Identity's managed identity at the fake upstream.</summary>
    public static IReadOnlyDictionary<string, string> AzureEnvironment(int upstreamPort) => new Dictionary<string, string>
    {
        ["IDENTITY_ENDPOINT"] = $"http://127.0.0.1:{upstreamPort}/msi/token",
        ["IDENTITY_HEADER"] = "bench-identity-header",
    };

    /// <summary>
    /// AWS Bedrock through the Converse API: OpenAI → Converse translation, SigV4 signing with the AWS SDK's signer
    /// (static keys from a credentials file in a Secret) and, for streams, event-stream decoding into SSE.
    /// </summary>
    public static string Bedrock(int upstreamPort) => Route(Bodies.DefaultModel, "bedrock") + $$"""
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: bedrock, namespace: default}
        spec:
          schema: {name: AWSBedrock}
          backendRef: {name: bedrock, kind: Backend, group: gateway.envoyproxy.io}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: BackendSecurityPolicy
        metadata: {name: bedrock-aws, namespace: default}
        spec:
          targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: bedrock}]
          type: AWSCredentials
          awsCredentials:
            region: us-east-1
            credentialsFile: {secretRef: {name: aws-credentials} }
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: aws-credentials, namespace: default}
        stringData:
          credentials: |
            [default]
            aws_access_key_id = AKIDBENCHEXAMPLE
            aws_secret_access_key = bench-secret-key-not-real

        """ + Backend("bedrock", upstreamPort);

    /// <summary>
    /// <paramref name="models"/> Exact model rules named <c>{prefix}-N</c> in routes of 100 rules, plus the rules for
    /// <paramref name="alsoServed"/>, all to the fake upstream: the routing table of a large organisation.
    /// </summary>
    public static string ManyModels(int upstreamPort, int models, string prefix, params string[] alsoServed)
    {
        const int rulesPerRoute = 100;
        var yaml = new StringBuilder();
        for (var route = 0; route * rulesPerRoute < models; route++)
        {
            yaml.Append(CultureInvariant($$"""
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: {{prefix}}-{{route}}, namespace: default}
                spec:
                  rules:

                """));
            for (var model = route * rulesPerRoute; model < Math.Min(models, (route + 1) * rulesPerRoute); model++)
            {
                yaml.Append(CultureInvariant($$"""
                        - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: {{prefix}}-{{model}} }] }]
                          backendRefs: [{name: simulator}]

                    """));
            }
        }

        foreach (var model in alsoServed)
        {
            yaml.Append(Route(model, "simulator", name: "also-" + model));
        }

        return yaml + OpenAIBackend("simulator", upstreamPort);
    }

    private const string CostsYaml = """
          llmRequestCosts:
            - {metadataKey: llm_input_token, type: InputToken}
            - {metadataKey: llm_output_token, type: OutputToken}
            - {metadataKey: llm_total_token, type: TotalToken}
        """;

    private static string Gateway() => """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: bench, namespace: default}
        spec:
          gatewayClassName: sluice
          listeners: [{name: http, protocol: HTTP, port: 1975}]

        """;

    private static string Route(string model, string backend, bool costs = false, string name = "bench") => $$"""
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: {{name}}, namespace: default}
        spec:
          rules:
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: {{model}} }] }]
              backendRefs: [{name: {{backend}} }]
        {{(costs ? CostsYaml : string.Empty)}}

        """;

    private static string OpenAIBackend(string name, int port) => $$"""
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: {{name}}, namespace: default}
        spec:
          schema: {name: OpenAI}
          backendRef: {name: {{name}}, kind: Backend, group: gateway.envoyproxy.io}

        """ + Backend(name, port);

    /// <summary>The Envoy Gateway Backend named <paramref name="name"/>: the fake upstream on 127.0.0.1.</summary>
    private static string Backend(string name, int port) => $$"""
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {name: {{name}}, namespace: default}
        spec:
          endpoints: [{ip: {address: 127.0.0.1, port: {{port}} } }]

        """;

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
