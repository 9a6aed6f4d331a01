using System.Globalization;
using Sluice.Configuration.Loading;

namespace Sluice.Hosting;

/// <summary>Which built-in configuration <c>sluice run</c> uses when it is given no config file.</summary>
internal enum DefaultConfigKind
{
    Simulator,
    OpenAI,
    AzureOpenAI,
}

/// <summary>
/// The configs <c>sluice run</c> writes for itself with no file given, as <c>aigw run</c> does: Azure OpenAI from
/// AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT + OPENAI_API_VERSION, else OpenAI from OPENAI_API_KEY
/// (+ OPENAI_BASE_URL), else the built-in simulator. They are ordinary Envoy AI Gateway YAML, loaded and validated
/// like a user's file; keys come in through Secret env annotations, so they never appear in the text.
/// </summary>
internal static class DefaultConfig
{
    public static DefaultConfigKind Choose(Func<string, string?> env)
    {
        if (!string.IsNullOrEmpty(env("AZURE_OPENAI_API_KEY")) && !string.IsNullOrEmpty(env("AZURE_OPENAI_ENDPOINT")) && !string.IsNullOrEmpty(env("OPENAI_API_VERSION")))
        {
            return DefaultConfigKind.AzureOpenAI;
        }

        return string.IsNullOrEmpty(env("OPENAI_API_KEY")) ? DefaultConfigKind.Simulator : DefaultConfigKind.OpenAI;
    }

    public static ConfigSource Simulator(int simulatorPort) => ConfigSource.FromText("<built-in: simulator>", $$"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: built-in, namespace: default}
        spec:
          rules:
            - matches:
                - headers: [{type: Exact, name: x-ai-eg-model, value: sluice-sim}]
                - headers: [{type: Exact, name: x-ai-eg-model, value: sluice-sim-large}]
              backendRefs: [{name: simulator}]
            - matches:
                - headers: [{type: RegularExpression, name: x-ai-eg-model, value: ".*"}]
              backendRefs: [{name: simulator}]
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: simulator, namespace: default}
        spec:
          schema: {name: OpenAI}
          backendRef: {name: simulator, kind: Backend, group: gateway.envoyproxy.io}
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {name: simulator, namespace: default}
        spec:
          endpoints: [{ip: {address: 127.0.0.1, port: {{simulatorPort.ToString(CultureInfo.InvariantCulture)}} } }]
        """);

    public static ConfigSource OpenAI(Func<string, string?> env)
    {
        var baseUrl = new Uri(env("OPENAI_BASE_URL") is { Length: > 0 } url ? url : "https://api.openai.com/v1");
        var prefix = baseUrl.AbsolutePath.Trim('/');
        return ConfigSource.FromText("<built-in: OPENAI_API_KEY>", CatchAll("openai", $"{{name: OpenAI, prefix: \"/{prefix}\"}}", "APIKey", "apiKey", "OPENAI_API_KEY", baseUrl));
    }

    public static ConfigSource AzureOpenAI(Func<string, string?> env)
    {
        var endpoint = new Uri(env("AZURE_OPENAI_ENDPOINT")!);
        var version = env("OPENAI_API_VERSION")!;
        return ConfigSource.FromText("<built-in: AZURE_OPENAI_API_KEY>", CatchAll("azure-openai", $"{{name: AzureOpenAI, version: \"{version}\"}}", "AzureAPIKey", "azureAPIKey", "AZURE_OPENAI_API_KEY", endpoint));
    }

    private static string CatchAll(string name, string schema, string policyType, string policyField, string keyVariable, Uri target)
    {
        var port = target.Port.ToString(CultureInfo.InvariantCulture);
        var tls = target.Scheme == Uri.UriSchemeHttps ? $$"""
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata: {name: {{name}}, namespace: default}
            spec:
              targetRefs: [{group: gateway.envoyproxy.io, kind: Backend, name: {{name}} }]
              validation: {wellKnownCACertificates: System, hostname: "{{target.Host}}" }
            """ : string.Empty;
        return $$"""
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: built-in, namespace: default}
            spec:
              rules:
                - matches: [{headers: [{type: RegularExpression, name: x-ai-eg-model, value: ".*"}]}]
                  backendRefs: [{name: {{name}} }]
            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIServiceBackend
            metadata: {name: {{name}}, namespace: default}
            spec:
              schema: {{schema}}
              backendRef: {name: {{name}}, kind: Backend, group: gateway.envoyproxy.io}
            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: Backend
            metadata: {name: {{name}}, namespace: default}
            spec:
              endpoints: [{fqdn: {hostname: "{{target.Host}}", port: {{port}} } }]
            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: BackendSecurityPolicy
            metadata: {name: {{name}}, namespace: default}
            spec:
              targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: {{name}} }]
              type: {{policyType}}
              {{policyField}}: {secretRef: {name: {{name}}-key } }
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: {{name}}-key
              namespace: default
              annotations: {"substitution.aigw.run/env/apiKey": {{keyVariable}} }
            {{tls}}
            """;
    }
}
