using Microsoft.AspNetCore.Http;

namespace Sluice.ClientAuth;

/// <summary>A request header that carries a credential, and the prefix in front of it (<c>Bearer </c>).</summary>
internal sealed record HeaderCredentialSource(string Header, string? Prefix)
{
    public const string BearerPrefix = "Bearer ";

    /// <summary>Envoy Gateway's JWT default: <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public static readonly HeaderCredentialSource AuthorizationBearer = new("Authorization", BearerPrefix);

    /// <summary>The credential in this header (first value), or empty when absent or without the prefix.</summary>
    public ReadOnlySpan<char> Extract(IHeaderDictionary headers)
    {
        if (!headers.TryGetValue(Header, out var values) || values.Count == 0 || values[0] is not { Length: > 0 } value)
        {
            return [];
        }

        var span = value.AsSpan();
        if (!string.IsNullOrEmpty(Prefix))
        {
            if (!span.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return [];
            }

            span = span[Prefix.Length..];
        }

        return span.Trim();
    }

    /// <summary>
    /// An API key header as Envoy's api_key_auth reads it: the whole value, less a leading <c>Bearer </c>, so
    /// <c>Authorization: Bearer &lt;key&gt;</c> (what OpenAI SDKs send) works when Authorization is listed.
    /// </summary>
    public static ReadOnlySpan<char> ExtractApiKey(IHeaderDictionary headers, string header)
    {
        if (!headers.TryGetValue(header, out var values) || values.Count == 0 || values[0] is not { Length: > 0 } value)
        {
            return [];
        }

        var span = value.AsSpan();
        if (span.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            span = span[BearerPrefix.Length..];
        }

        return span.Trim();
    }
}
