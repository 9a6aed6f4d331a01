namespace Sluice.ClientAuth;

/// <summary>
/// The outcome of client access control for one request: allowed (with the policy that applied and the caller it
/// accepted) or a failure to answer with. Failures are values, never exceptions.
/// </summary>
internal sealed class ClientAccess
{
    /// <summary>No SecurityPolicy applies: the request goes on.</summary>
    public static readonly ClientAccess Open = new();

    /// <summary>Not decided yet (the policy depends on the route).</summary>
    public static readonly ClientAccess Pending = new();

    public ClientAuthFailure Failure { get; private init; }

    /// <summary>What the client is told; never contains a key or a token.</summary>
    public string? Message { get; private init; }

    /// <summary>The <c>WWW-Authenticate</c> value of a 401.</summary>
    public string? Challenge { get; private init; }

    public ClientPolicy? Policy { get; private init; }

    public ClientIdentity? Identity { get; private init; }

    public bool Allowed => Failure == ClientAuthFailure.None;

    public static ClientAccess Accepted(ClientPolicy policy, ClientIdentity identity) => new() { Policy = policy, Identity = identity };

    public static ClientAccess Denied(ClientPolicy? policy, ClientAuthFailure failure, string message, string? challenge = null) =>
        new() { Policy = policy, Failure = failure, Message = message, Challenge = challenge };
}
