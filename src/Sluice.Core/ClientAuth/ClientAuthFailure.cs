namespace Sluice.ClientAuth;

/// <summary>Why a client was turned away; <see cref="ClientAuthResponse"/> maps each to one status and error body.</summary>
internal enum ClientAuthFailure
{
    None,
    MissingApiKey,
    InvalidApiKey,
    MissingToken,
    InvalidToken,

    /// <summary>The JWT provider's signing keys could not be fetched: not the client's fault.</summary>
    KeysUnavailable,

    ModelNotAllowed,
}
