using System.Net.Http.Headers;

namespace Sluice.Auth;

/// <summary>BackendSecurityPolicy type APIKey: <c>Authorization: Bearer &lt;apiKey&gt;</c>.</summary>
internal sealed class ApiKeyAuthHandler(string apiKey) : IUpstreamAuthHandler
{
    private readonly AuthenticationHeaderValue _header = new("Bearer", apiKey);

    public ValueTask<AuthResult> ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _header;
        return ValueTask.FromResult(AuthResult.Success);
    }

    public override string ToString() => "APIKey(***)";
}
