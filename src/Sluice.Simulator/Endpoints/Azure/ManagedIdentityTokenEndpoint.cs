using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Sluice.Simulator.Buffers;
using Sluice.Simulator.Hosting;

namespace Sluice.Simulator.Endpoints.Azure;

/// <summary>
/// GET /msi/token: the Azure App Service managed-identity protocol (api-version 2019-08-01), which Azure.Identity's
/// ManagedIdentityCredential (through MSAL) speaks when the process has <c>IDENTITY_ENDPOINT</c> and
/// <c>IDENTITY_HEADER</c>: the header <c>X-IDENTITY-HEADER</c> (any value: the simulator has no secret to compare),
/// query <c>resource</c> (and optionally <c>client_id</c>, <c>mi_res_id</c> or <c>object_id</c>), answered with
/// <c>{"access_token","expires_on" (Unix seconds, a string),"resource","token_type":"Bearer"}</c> for one hour.
/// Errors are OAuth-style <c>{"error","error_description"}</c>, which MSAL reports.
/// </summary>
internal sealed class ManagedIdentityTokenEndpoint(SimulatorRuntime runtime, IssuedTokens tokens)
{
    public const string ApiVersion = "2019-08-01";
    public const string IdentityHeader = "X-IDENTITY-HEADER";
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    private static readonly JsonEncodedText s_accessToken = JsonEncodedText.Encode("access_token");
    private static readonly JsonEncodedText s_expiresOn = JsonEncodedText.Encode("expires_on");
    private static readonly JsonEncodedText s_resource = JsonEncodedText.Encode("resource");
    private static readonly JsonEncodedText s_tokenType = JsonEncodedText.Encode("token_type");
    private static readonly JsonEncodedText s_clientId = JsonEncodedText.Encode("client_id");
    private static readonly JsonEncodedText s_bearer = JsonEncodedText.Encode("Bearer");
    private static readonly JsonEncodedText s_error = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText s_errorDescription = JsonEncodedText.Encode("error_description");

    public Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (StringValues.IsNullOrEmpty(request.Headers[IdentityHeader]))
        {
            return RejectAsync(
                context,
                StatusCodes.Status401Unauthorized,
                "unauthorized",
                $"The {IdentityHeader} header is required: send the value of the IDENTITY_HEADER environment variable.");
        }

        string? apiVersion = request.Query["api-version"];
        if (!string.Equals(apiVersion, ApiVersion, StringComparison.Ordinal))
        {
            return RejectAsync(
                context,
                StatusCodes.Status400BadRequest,
                "invalid_request",
                $"api-version must be {ApiVersion} (got '{apiVersion}').");
        }

        string? resource = request.Query["resource"];
        if (string.IsNullOrEmpty(resource))
        {
            return RejectAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "The resource query parameter is required.");
        }

        return IssueAsync(context, resource, request.Query["client_id"]);
    }

    private async Task IssueAsync(HttpContext context, string resource, string? clientId)
    {
        long expiresOn = (runtime.TimeProvider.GetUtcNow() + TokenLifetime).ToUnixTimeSeconds();
        using var body = new PooledBufferWriter(512);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString(s_accessToken, tokens.Issue());
            writer.WriteString(s_expiresOn, expiresOn.ToString(CultureInfo.InvariantCulture));
            writer.WriteString(s_resource, resource);
            writer.WriteString(s_tokenType, s_bearer);
            if (!string.IsNullOrEmpty(clientId))
            {
                writer.WriteString(s_clientId, clientId);
            }

            writer.WriteEndObject();
        }

        SimulatorLog.ManagedIdentityTokenIssued(runtime.Logger, resource);
        await JsonResponse.SendAsync(context, StatusCodes.Status200OK, body);
    }

    private async Task RejectAsync(HttpContext context, int status, string error, string description)
    {
        SimulatorLog.RequestRejected(runtime.Logger, context.Request.Method, context.Request.Path.Value, status, description);
        using var body = new PooledBufferWriter(512);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString(s_error, error);
            writer.WriteString(s_errorDescription, description);
            writer.WriteEndObject();
        }

        await JsonResponse.SendAsync(context, status, body);
    }
}
