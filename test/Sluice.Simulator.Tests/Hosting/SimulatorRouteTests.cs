namespace Sluice.Simulator.Hosting;

public class SimulatorRouteTests
{
    [Theory]
    [InlineData("POST", "/v1/chat/completions", nameof(SimulatorRoute.ChatCompletions), null)]
    [InlineData("POST", "/openai/deployments/my-gpt4o/chat/completions", nameof(SimulatorRoute.ChatCompletions), "my-gpt4o")]
    [InlineData("POST", "/openai/deployments/d/completions", nameof(SimulatorRoute.Completions), "d")]
    [InlineData("POST", "/openai/deployments/emb%20one/embeddings", nameof(SimulatorRoute.Embeddings), "emb one")]
    [InlineData("POST", "/model/anthropic.claude-3-haiku-20240307-v1:0/converse", nameof(SimulatorRoute.BedrockConverse), "anthropic.claude-3-haiku-20240307-v1:0")]
    [InlineData("POST", "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream", nameof(SimulatorRoute.BedrockConverseStream), "anthropic.claude-3-haiku-20240307-v1:0")]
    [InlineData("POST", "/model/arn:aws:bedrock:us-east-1:1:inference-profile%2Fus.nova/converse", nameof(SimulatorRoute.BedrockConverse), "arn:aws:bedrock:us-east-1:1:inference-profile/us.nova")]
    [InlineData("GET", "/msi/token", nameof(SimulatorRoute.ManagedIdentityToken), null)]
    [InlineData("GET", "/v1/models/sluice-sim", nameof(SimulatorRoute.Model), "sluice-sim")]
    [InlineData("GET", "/health", nameof(SimulatorRoute.Health), null)]
    public void Match_KnownPaths_FindTheRouteAndTheNameInThePath(string method, string path, string route, string? name)
    {
        RouteMatch match = SimulatorRoutes.Match(method, path);

        Assert.Equal(Enum.Parse<SimulatorRoute>(route), match.Route);
        Assert.Equal(name, match.NameIn(path));
    }

    [Theory]
    [InlineData("POST", "/openai/deployments//chat/completions")]
    [InlineData("POST", "/openai/deployments/d/chat/completions/extra")]
    [InlineData("POST", "/openai/deployments/d")]
    [InlineData("POST", "/openai/deployments/d/responses")]
    [InlineData("POST", "/model//converse")]
    [InlineData("POST", "/model/converse")]
    [InlineData("POST", "/model/m/invoke")]
    [InlineData("GET", "/model/m/converse")]
    [InlineData("POST", "/msi/token")]
    [InlineData("GET", "/openai/deployments/d/chat/completions")]
    public void Match_Others_AreNotFound(string method, string path)
    {
        Assert.Equal(SimulatorRoute.NotFound, SimulatorRoutes.Match(method, path).Route);
    }

    [Fact]
    public void ErrorFormat_IsBedrockOnlyOnBedrockPaths()
    {
        Assert.Equal(Endpoints.ErrorFormat.Bedrock, SimulatorRoutes.Match("POST", "/model/m/converse").ErrorFormat);
        Assert.Equal(Endpoints.ErrorFormat.Bedrock, SimulatorRoutes.Match("POST", "/model/m/converse-stream").ErrorFormat);
        Assert.Equal(Endpoints.ErrorFormat.OpenAI, SimulatorRoutes.Match("POST", "/openai/deployments/d/chat/completions").ErrorFormat);
        Assert.Equal(Endpoints.ErrorFormat.OpenAI, SimulatorRoutes.Match("POST", "/v1/chat/completions").ErrorFormat);
    }
}
