namespace Sluice.Infrastructure;

/// <summary>Envoy AI Gateway YAML for functional tests.</summary>
internal static class Configs
{
    /// <summary>A route per model to one OpenAI-schema backend at 127.0.0.1:<paramref name="port"/>.</summary>
    public static string OpenAI(int port, string model = "gpt-4o-mini", string? extraRule = null, string? backendExtra = null, string? ruleExtra = null, string? refExtra = null) => $$"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: chat, namespace: default}
        spec:
          rules:
            - matches:
                - headers: [{type: Exact, name: x-ai-eg-model, value: {{model}}}]
              backendRefs:
                - name: openai
        {{Indent(refExtra, 10)}}
        {{Indent(ruleExtra, 6)}}
        {{Indent(extraRule, 4)}}
        {{OpenAIBackend(port, backendExtra)}}
        """;

    /// <summary>The AIServiceBackend "openai" (schema OpenAI) and its Backend at 127.0.0.1:<paramref name="port"/>, after a "---".</summary>
    public static string OpenAIBackend(int port, string? backendExtra = null) => $$"""
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: openai, namespace: default}
        spec:
          schema: {name: OpenAI}
          backendRef: {name: upstream, kind: Backend, group: gateway.envoyproxy.io}
        {{Indent(backendExtra, 2)}}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {name: upstream, namespace: default}
        spec:
          endpoints: [{ip: {address: 127.0.0.1, port: {{port}} } }]
        """;

    /// <summary>A BackendSecurityPolicy of <paramref name="type"/> (APIKey or AzureAPIKey) for a backend, with its Secret.</summary>
    public static string ApiKey(string key, string backend = "openai", string type = "APIKey")
    {
        var field = type == "AzureAPIKey" ? "azureAPIKey" : "apiKey";
        return $$"""

            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: BackendSecurityPolicy
            metadata: {name: {{backend}}-key, namespace: default}
            spec:
              targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: {{backend}} }]
              type: {{type}}
              {{field}}: {secretRef: {name: {{backend}}-key } }
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: {{backend}}-key, namespace: default}
            stringData: {apiKey: "{{key}}"}
            """;
    }

    /// <summary>
    /// A route for <paramref name="model"/> to the AIServiceBackend "bedrock" (schema <paramref name="schema"/>) at
    /// 127.0.0.1:<paramref name="port"/>, signed with the fake Bedrock's key from a credentials file Secret.
    /// </summary>
    public static string Bedrock(int port, string model = "us.amazon.nova-micro-v1:0", string schema = "AWSBedrock", string? refExtra = null, string? credentials = null, string? extraDocuments = null) => $$"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: bedrock-chat, namespace: default}
        spec:
          rules:
            - matches:
                - headers: [{type: Exact, name: x-ai-eg-model, value: "{{model}}"}]
              backendRefs:
                - name: bedrock
        {{Indent(refExtra, 10)}}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: bedrock, namespace: default}
        spec:
          schema: {name: {{schema}} }
          backendRef: {name: bedrock-upstream, kind: Backend, group: gateway.envoyproxy.io}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {name: bedrock-upstream, namespace: default}
        spec:
          endpoints: [{ip: {address: 127.0.0.1, port: {{port}} } }]
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: BackendSecurityPolicy
        metadata: {name: bedrock-aws, namespace: default}
        spec:
          targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: bedrock}]
          type: AWSCredentials
          awsCredentials:
        {{Indent(credentials ?? "region: us-east-1\ncredentialsFile: {secretRef: {name: aws-credentials} }", 6)}}
        {{extraDocuments ?? AwsCredentialsSecret()}}
        """;

    /// <summary>The Secret "aws-credentials": an AWS credentials file with the fake Bedrock's key, after a "---".</summary>
    public static string AwsCredentialsSecret(string accessKey = FakeBedrock.AccessKey, string secretKey = FakeBedrock.SecretKey, string? sessionToken = null) => $$"""
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: aws-credentials, namespace: default}
        stringData:
          credentials: |
            [default]
            aws_access_key_id = {{accessKey}}
            aws_secret_access_key = {{secretKey}}
        {{(sessionToken is null ? string.Empty : "    aws_session_token = " + sessionToken)}}
        """;

    private static string Indent(string? text, int spaces)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var pad = new string(' ', spaces);
        return string.Join("\n", text.Split('\n').Select(line => pad + line));
    }
}
