using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Infrastructure;

namespace Sluice.Cli;

public sealed class CliTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Validate_InvalidConfig_ExitsTwoAndNamesFileLineResourceAndField()
    {
        var path = WriteTemp(Configs.OpenAI(8080).Replace("- name: openai", "- name: gpt", StringComparison.Ordinal));
        await using var sluice = SluiceProcess.Start($"validate \"{path}\"");

        var exitCode = await sluice.WaitForExitAsync(StartTimeout);

        Assert.Equal(2, exitCode);
        Assert.Matches(@"config\.yaml:9: AIGatewayRoute default/chat: spec\.rules\[0\]\.backendRefs\[0\]\.name: AIServiceBackend ""gpt"" not found", sluice.Stderr);
    }

    [Fact]
    public async Task Run_InvalidConfig_ExitsTwoAndServesNothing()
    {
        var path = WriteTemp("apiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIGatewayRoute\nmetadata: {name: broken}\nspec: {rules: []}\n");
        await using var sluice = SluiceProcess.Start($"run \"{path}\" --port 0 --admin-port 0 --address 127.0.0.1");

        var exitCode = await sluice.WaitForExitAsync(StartTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("spec.rules: at least one rule is required", sluice.Stdout + sluice.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Sluice is serving", sluice.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoConfigNoKeys_ServesTheBuiltInSimulator_AndPrintsHowToCallIt()
    {
        await using var sluice = SluiceProcess.Start("run --port 0 --admin-port 0 --address 127.0.0.1");
        var address = await sluice.WaitForListeningAsync(StartTimeout);

        using var client = new HttpClient { BaseAddress = address };
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"sluice-sim","messages":[{"role":"user","content":"Hello!"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
        Assert.Contains("curl http://127.0.0.1:", sluice.Stdout, StringComparison.Ordinal);
        Assert.Contains("from openai import OpenAI", sluice.Stdout, StringComparison.Ordinal);
        Assert.Contains("sluice-sim", await client.GetStringAsync("/v1/models"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ConfigFromStdin_IsServed()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var sluice = SluiceProcess.Start("run - --port 0 --admin-port 0 --address 127.0.0.1", stdin: Configs.OpenAI(upstream.Port));
        var address = await sluice.WaitForListeningAsync(StartTimeout);

        using var client = new HttpClient { BaseAddress = address };
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-4o-mini","messages":[]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(upstream.Requests);
    }

    [Fact]
    public async Task Run_OpenAIKeyInEnvironment_RoutesEveryModelToOpenAIBaseUrl_WithTheKey()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        var environment = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-env-key",
            ["OPENAI_BASE_URL"] = $"http://127.0.0.1:{upstream.Port}/v1",
        };
        await using var sluice = SluiceProcess.Start("run --port 0 --admin-port 0 --address 127.0.0.1", environment: environment);
        var address = await sluice.WaitForListeningAsync(StartTimeout);

        using var client = new HttpClient { BaseAddress = address };
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"any-model","messages":[]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1/chat/completions", upstream.LastRequest.PathAndQuery);
        Assert.Equal("Bearer sk-env-key", upstream.LastRequest.Header("Authorization"));
        Assert.DoesNotContain("sk-env-key", sluice.Stdout + sluice.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AzureVariablesInEnvironment_RouteEveryModelToTheAzureDeployment_WithApiKey()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        var environment = new Dictionary<string, string>
        {
            ["AZURE_OPENAI_API_KEY"] = "azure-env-key",
            ["AZURE_OPENAI_ENDPOINT"] = $"http://127.0.0.1:{upstream.Port}/",
            ["OPENAI_API_VERSION"] = "2025-01-01-preview",
            ["OPENAI_API_KEY"] = "sk-ignored-when-azure-is-configured",
        };
        await using var sluice = SluiceProcess.Start("run --port 0 --admin-port 0 --address 127.0.0.1", environment: environment);
        var address = await sluice.WaitForListeningAsync(StartTimeout);

        using var client = new HttpClient { BaseAddress = address };
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-4o","messages":[]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/openai/deployments/gpt-4o/chat/completions?api-version=2025-01-01-preview", upstream.LastRequest.PathAndQuery);
        Assert.Equal("azure-env-key", upstream.LastRequest.Header("api-key"));
        Assert.Null(upstream.LastRequest.Header("Authorization"));
    }

    [Fact]
    public async Task Run_BedrockWithoutCredentialsInConfig_SignsWithTheAwsDefaultChain()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        var path = WriteTemp(Configs.Bedrock(bedrock.Port, credentials: "region: us-east-1", extraDocuments: string.Empty));
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = FakeBedrock.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = FakeBedrock.SecretKey,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        await using var sluice = SluiceProcess.Start($"run \"{path}\" --port 0 --admin-port 0 --address 127.0.0.1", environment: environment);
        var address = await sluice.WaitForListeningAsync(StartTimeout);

        using var client = new HttpClient { BaseAddress = address };
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"us.amazon.nova-micro-v1:0","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(bedrock.LastCall.Signature.Valid, bedrock.LastCall.Signature.Problem);
        Assert.Equal(FakeBedrock.AccessKey, bedrock.LastCall.Signature.AccessKey);
        Assert.DoesNotContain(FakeBedrock.SecretKey, sluice.Stdout + sluice.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BedrockWithNoCredentialsAnywhere_Answers503NamingTheChain()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        var path = WriteTemp(Configs.Bedrock(bedrock.Port, credentials: "region: us-east-1", extraDocuments: string.Empty));
        var home = Directory.CreateTempSubdirectory("sluice-home").FullName; // no ~/.aws
        var environment = new Dictionary<string, string> { ["AWS_EC2_METADATA_DISABLED"] = "true", ["HOME"] = home, ["AWS_CONFIG_FILE"] = Path.Combine(home, "none"), ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "none") };
        await using var sluice = SluiceProcess.Start($"run \"{path}\" --port 0 --admin-port 0 --address 127.0.0.1", environment: environment);
        var address = await sluice.WaitForListeningAsync(StartTimeout);

        using var client = new HttpClient { BaseAddress = address };
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"us.amazon.nova-micro-v1:0","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("the AWS default credential chain", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(bedrock.Calls);
    }

    internal static string WriteTemp(string yaml)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sluice-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "config.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
