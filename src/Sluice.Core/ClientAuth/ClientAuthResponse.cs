using Microsoft.AspNetCore.Http;
using Sluice.Forwarding;

namespace Sluice.ClientAuth;

/// <summary>Writes a client access failure in the OpenAI error envelope, with <c>WWW-Authenticate</c> on a 401.</summary>
internal static class ClientAuthResponse
{
    public static (int Status, string Type, string Code) Describe(ClientAuthFailure failure) => failure switch
    {
        ClientAuthFailure.MissingApiKey => (401, "invalid_request_error", "missing_api_key"),
        ClientAuthFailure.InvalidApiKey => (401, "invalid_request_error", "invalid_api_key"),
        ClientAuthFailure.MissingToken => (401, "invalid_request_error", "missing_token"),
        ClientAuthFailure.InvalidToken => (401, "invalid_request_error", "invalid_token"),
        ClientAuthFailure.ModelNotAllowed => (403, "invalid_request_error", "model_not_allowed"),
        _ => (503, "server_error", "auth_unavailable"),
    };

    public static Task WriteAsync(HttpResponse response, ClientAccess access)
    {
        var (status, type, code) = Describe(access.Failure);
        if (status == 401 && access.Challenge is not null && !response.HasStarted)
        {
            response.Headers.WWWAuthenticate = access.Challenge;
        }

        return ErrorResponse.WriteAsync(response, status, access.Message ?? "access denied", type, code, access.Failure == ClientAuthFailure.ModelNotAllowed ? "model" : null);
    }
}
