using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Sluice.Simulator.Endpoints.Azure;

namespace Sluice.Simulator.Faults;

/// <summary>
/// The value of <see cref="FaultHeaders.SawCredential"/>: the kind of credential a request carried, so tests can
/// check what the gateway attached (an Entra token from the simulator's own managed-identity endpoint, a SigV4
/// signature, an Azure api-key) without any secret being echoed. Pre-allocated values, no allocation per request.
/// </summary>
internal static class SeenCredential
{
    public static readonly StringValues IssuedToken = new("issued-token");
    public static readonly StringValues Bearer = new("bearer");
    public static readonly StringValues AwsSigV4 = new("aws-sigv4");
    public static readonly StringValues OtherAuthorization = new("other-authorization");
    public static readonly StringValues ApiKey = new("api-key");
    public static readonly StringValues None = new("none");

    public static StringValues Of(IHeaderDictionary headers, IssuedTokens tokens)
    {
        string? authorization = headers[HeaderNames.Authorization];
        if (authorization is not null)
        {
            ReadOnlySpan<char> value = authorization.AsSpan().Trim();
            if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return tokens.WasIssued(value["Bearer ".Length..].TrimStart()) ? IssuedToken : Bearer;
            }

            return value.StartsWith("AWS4-HMAC-SHA256", StringComparison.Ordinal) ? AwsSigV4 : OtherAuthorization;
        }

        return headers.ContainsKey("api-key") ? ApiKey : None;
    }
}
