namespace Sluice.Auth.Azure;

/// <summary>BackendSecurityPolicy type AzureCredentials: <c>Authorization: Bearer &lt;Entra ID token&gt;</c>.</summary>
internal sealed class AzureEntraAuthHandler(EntraTokenSource tokens, string backendName) : IUpstreamAuthHandler
{
    public EntraTokenSource Tokens => tokens;

    public async ValueTask<AuthResult> ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var result = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (result.Failure is { } failure)
        {
            return AuthResult.Failure(failure.StatusCode, $"backend {backendName}: {failure.Message}");
        }

        request.Headers.TryAddWithoutValidation("Authorization", result.AuthorizationHeader);
        return AuthResult.Success;
    }

    public override string ToString() => $"AzureCredentials({tokens.Description})";
}
