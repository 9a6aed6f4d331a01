using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Configuration.Loading;
using Sluice.Configuration.Validation;
using Sluice.Forwarding;
using Sluice.Management;
using Sluice.Model;

namespace Sluice.Benchmarks;

/// <summary>
/// Builds a real <see cref="GatewaySnapshot"/> from generated Envoy AI Gateway YAML through the same loader and
/// compiler <c>sluice run</c> uses, so the benchmarks route over what a user's config compiles to.
/// </summary>
internal static class GeneratedConfig
{
    /// <summary>
    /// <paramref name="models"/> rules, each an Exact <c>x-ai-eg-model</c> match for <c>model-N</c>, spread over
    /// routes of 100 rules, all to one OpenAI backend; optionally a last route with a <c>.*</c> catch-all.
    /// </summary>
    public static GatewaySnapshot Build(int models, bool catchAll, UpstreamClientPool clients) =>
        Compile("bench.yaml", Yaml(models, catchAll), clients);

    /// <summary>Compiles <paramref name="yaml"/> as <c>sluice run</c> would, or throws with its errors.</summary>
    public static GatewaySnapshot Compile(string fileName, string yaml, UpstreamClientPool clients)
    {
        using var manager = new ConfigManager([ConfigSource.FromText(fileName, yaml)], clients, NullLogger.Instance, getEnvironment: static _ => null);
        var (snapshot, diagnostics) = manager.Build();
        var errors = diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.ToString()).ToList();
        if (snapshot is null || errors.Count > 0)
        {
            throw new InvalidOperationException($"the benchmark config {fileName} is invalid:\n" + string.Join("\n", errors));
        }

        return snapshot;
    }

    /// <summary>The YAML <see cref="Build"/> compiles; the backend is 127.0.0.1:<paramref name="upstreamPort"/>.</summary>
    public static string Yaml(int models, bool catchAll, int upstreamPort = 9)
    {
        var yaml = new StringBuilder();
        const int rulesPerRoute = 100;
        for (var route = 0; route * rulesPerRoute < models; route++)
        {
            yaml.Append($"""
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata:
                  name: route-{route}
                  namespace: default
                spec:
                  rules:

                """);
            for (var model = route * rulesPerRoute; model < Math.Min(models, (route + 1) * rulesPerRoute); model++)
            {
                yaml.Append($"""
                        - matches:
                            - headers:
                                - type: Exact
                                  name: x-ai-eg-model
                                  value: model-{model}
                          backendRefs:
                            - name: upstream

                    """);
            }

            yaml.Append("---\n");
        }

        if (catchAll)
        {
            yaml.Append("""
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata:
                  name: catch-all
                  namespace: default
                spec:
                  rules:
                    - matches:
                        - headers:
                            - type: RegularExpression
                              name: x-ai-eg-model
                              value: .*
                      backendRefs:
                        - name: upstream
                ---

                """);
        }

        yaml.Append($$"""
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIServiceBackend
            metadata:
              name: upstream
              namespace: default
            spec:
              schema:
                name: OpenAI
              backendRef:
                name: upstream
                kind: Backend
                group: gateway.envoyproxy.io
            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: Backend
            metadata:
              name: upstream
              namespace: default
            spec:
              endpoints:
                - ip:
                    address: 127.0.0.1
                    port: {{upstreamPort}}
            """);
        return yaml.ToString();
    }
}
