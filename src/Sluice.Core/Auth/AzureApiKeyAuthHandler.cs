namespace Sluice.Auth;

/// <summary>BackendSecurityPolicy type AzureAPIKey: header <c>api-key: &lt;apiKey&gt;</c>, no Authorization header.</summary>
internal sealed class AzureApiKeyAuthHandler(string apiKey) : IUpstreamAuthHandler
{
    public ValueTask<AuthResult> ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("api-key", apiKey);
        return ValueTask.FromResult(AuthResult.Success);
    }

    public override string ToString() => "AzureAPIKey(***)";
}
