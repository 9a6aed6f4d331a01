using System.Net;
using System.Text;
using Sluice.Infrastructure;
using Sluice.Simulator;

namespace Sluice.Cli;

/// <summary>
/// The real <c>sluice</c> process with an AzureCredentials policy that has no secret, so Azure.Identity's
/// ManagedIdentityCredential fetches the Entra token from <c>sluice simulate</c>'s App Service managed-identity
/// endpoint (IDENTITY_ENDPOINT over plain HTTP), and the chat goes to the simulator's Azure deployment path.
/// </summary>
public sealed class SimulatorManagedIdentityCliTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_ManagedIdentityFromTheSimulator_SendsTheTokenItIssued_ToTheAzurePath()
    {
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        var path = CliTests.WriteTemp(AzureManagedIdentityConfig(simulator.Port));
        var environment = new Dictionary<string, string>
        {
            ["IDENTITY_ENDPOINT"] = $"http://127.0.0.1:{simulator.Port}/msi/token",
            ["IDENTITY_HEADER"] = "sluice-simulator",
        };
        await using var sluice = SluiceProcess.Start($"run \"{path}\" --port 0 --admin-port 0 --address 127.0.0.1", environment: environment);
        var address = await sluice.WaitForListeningAsync(StartTimeout);

        using var client = new HttpClient { BaseAddress = address };
        const string chat = """{"model":"gpt-4o","messages":[{"role":"user","content":"Hello!"}]}""";
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(chat, Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{body}\n{sluice.Stdout}\n{sluice.Stderr}");
        Assert.Equal("issued-token", response.Headers.GetValues("x-sim-saw-credential").Single());
        using var direct = new HttpClient { BaseAddress = simulator.BaseAddress };
        using var expected = await direct.PostAsync("/v1/chat/completions", new StringContent(chat, Encoding.UTF8, "application/json"));
        Assert.Equal(ChatAnswer.FromCompletion(await expected.Content.ReadAsStringAsync()), ChatAnswer.FromCompletion(body));
        Assert.Contains("Entra ID token acquired for BackendSecurityPolicy default/azure-sim-identity", sluice.Stdout + sluice.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("sim-entra-", sluice.Stdout + sluice.Stderr, StringComparison.Ordinal);
    }

    /// <summary>docs/simulator.md's Azure managed-identity example, pointed at <paramref name="port"/>.</summary>
    private static string AzureManagedIdentityConfig(int port) => $$"""
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: azure-sim, namespace: default}
        spec:
          rules:
            - matches:
                - headers: [{type: Exact, name: x-ai-eg-model, value: gpt-4o}]
              backendRefs:
                - name: azure-sim
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIServiceBackend
        metadata: {name: azure-sim, namespace: default}
        spec:
          schema: {name: AzureOpenAI, version: 2025-01-01-preview}
          backendRef: {name: azure-simulator, kind: Backend, group: gateway.envoyproxy.io}
        ---
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: BackendSecurityPolicy
        metadata: {name: azure-sim-identity, namespace: default}
        spec:
          targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: azure-sim}]
          type: AzureCredentials
          azureCredentials:
            tenantID: 00000000-0000-0000-0000-000000000000
            clientID: 11111111-1111-1111-1111-111111111111
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: Backend
        metadata: {name: azure-simulator, namespace: default}
        spec:
          endpoints: [{ip: {address: 127.0.0.1, port: {{port}} } }]
        """;
}
