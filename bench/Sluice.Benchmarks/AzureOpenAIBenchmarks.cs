using Azure.Core;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Auth;
using Sluice.Auth.Azure;
using Sluice.Model;
using Sluice.Translation;

namespace Sluice.Benchmarks;

/// <summary>
/// What an Azure OpenAI backend adds to a request: the upstream URI with the deployment in the path
/// (<see cref="UpstreamEndpoint.Target"/> with <see cref="AzureOpenAITranslator"/>: built per request, as the path
/// names the model), and the credential: <see cref="AzureEntraAuthHandler"/> with a warm Entra ID token (the
/// steady state; fetching is off the request path) or <see cref="AzureApiKeyAuthHandler"/>. The request message is
/// reused with its headers cleared.
/// </summary>
[MemoryDiagnoser]
public class AzureOpenAIBenchmarks
{
    private readonly AzureOpenAITranslator _translator = new("2024-10-21");
    private readonly HttpRequestMessage _request = new(HttpMethod.Post, "https://contoso.openai.azure.com/");
    private readonly AzureApiKeyAuthHandler _apiKey = new("0123456789abcdef0123456789abcdef");
    private UpstreamEndpoint? _endpoint;
    private EntraTokenSource? _tokens;
    private AzureEntraAuthHandler? _entra;

    [GlobalSetup]
    public void Setup()
    {
        _endpoint = new UpstreamEndpoint(new Uri("https://contoso.openai.azure.com"), "contoso.openai.azure.com", _translator);
        _tokens = new EntraTokenSource(new StaticCredential(), "https://cognitiveservices.azure.com/.default", "bench/azure", TimeProvider.System, NullLogger.Instance);
        _entra = new AzureEntraAuthHandler(_tokens, "bench/azure");
        if (_tokens.GetTokenAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult().Failure is { } failure)
        {
            throw new InvalidOperationException(failure.Message);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tokens?.Dispose();
        _request.Dispose();
    }

    [Benchmark]
    public Uri DeploymentUri() => _endpoint!.Target(_translator, EndpointKind.ChatCompletions, "gpt-4o-mini", stream: false);

    [Benchmark]
    public ValueTask<bool> EntraBearer() => Apply(_entra!);

    [Benchmark]
    public ValueTask<bool> ApiKey() => Apply(_apiKey);

    private async ValueTask<bool> Apply(IUpstreamAuthHandler handler)
    {
        _request.Headers.Clear();
        var result = await handler.ApplyAsync(_request, CancellationToken.None);
        return result.Succeeded ? true : throw new InvalidOperationException(result.Message);
    }

    /// <summary>An Entra credential that hands out a one-hour token at once (a JWT-sized string, as Entra's are).</summary>
    private sealed class StaticCredential : TokenCredential
    {
        private static readonly string Token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + new string('x', 1400) + ".signature";

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
