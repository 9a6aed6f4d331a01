namespace Sluice.Auth;

/// <summary>Attaches a backend's credential to an upstream request. One instance per BackendSecurityPolicy and load.</summary>
internal interface IUpstreamAuthHandler
{
    /// <summary>Adds the credential. A failure (for example a token that cannot be fetched) is a result, not an exception.</summary>
    ValueTask<AuthResult> ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IUpstreamAuthHandler.ApplyAsync"/>: success, or the status and a message safe to show a client.</summary>
internal readonly record struct AuthResult(bool Succeeded, int StatusCode, string? Message)
{
    public static AuthResult Success => new(true, 0, null);

    public static AuthResult Failure(int statusCode, string message) => new(false, statusCode, message);
}
