using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Configuration.Loading;
using Sluice.Configuration.Validation;
using Sluice.Forwarding;
using Sluice.Management;
using Sluice.Model;

namespace Sluice.TestSupport;

/// <summary>Loads YAML written to a temporary directory through the real loader and compiler.</summary>
internal sealed class ConfigFixture : IDisposable
{
    private readonly UpstreamClientPool _clients = new();

    public ConfigFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string Write(string fileName, string yaml)
    {
        var path = Path.Combine(Directory, fileName);
        File.WriteAllText(path, yaml.ReplaceLineEndings("\n"));
        return path;
    }

    public (GatewaySnapshot? Snapshot, IReadOnlyList<ConfigDiagnostic> Diagnostics) Load(string yaml, string fileName = "routes.yaml", IDictionary<string, string>? env = null)
    {
        var path = Write(fileName, yaml);
        return LoadPaths([path], env);
    }

    public (GatewaySnapshot? Snapshot, IReadOnlyList<ConfigDiagnostic> Diagnostics) LoadPaths(IReadOnlyList<string> paths, IDictionary<string, string>? env = null)
    {
        var sources = paths.Select(ConfigSource.FromPath).ToList();
        using var manager = new ConfigManager(sources, _clients, NullLogger.Instance, getEnvironment: name => env is not null && env.TryGetValue(name, out var v) ? v : null);
        return manager.Build();
    }

    public static string[] Errors(IReadOnlyList<ConfigDiagnostic> diagnostics) =>
        diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.ToString()).ToArray();

    /// <summary>Asserts that some error contains <paramref name="expected"/>, listing every error when none does.</summary>
    public static void AssertHasError(IReadOnlyList<ConfigDiagnostic> diagnostics, string expected)
    {
        var errors = Errors(diagnostics);
        Assert.True(errors.Any(e => e.Contains(expected, StringComparison.Ordinal)), $"no error contains '{expected}'. Errors:\n{string.Join("\n", errors)}");
    }

    /// <summary>Asserts there is no error, listing them when there are.</summary>
    public static void AssertNoErrors(IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        var errors = Errors(diagnostics);
        Assert.True(errors.Length == 0, "unexpected errors:\n" + string.Join("\n", errors));
    }

    public void Dispose()
    {
        _clients.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

internal static class Yaml
{
    /// <summary>A minimal valid config: one route for <paramref name="model"/> to an OpenAI backend at 127.0.0.1:<paramref name="port"/>.</summary>
    public static string Minimal(string model = "gpt-4o-mini", int port = 8080) => $"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata:
          name: chat
          namespace: default
        spec:
          rules:
            - matches:
                - headers:
                    - type: Exact
                      name: x-ai-eg-model
                      value: {model}
              backendRefs:
                - name: gpt
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata:
          name: gpt
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
                port: {port}
        """;
}
