using System.Text.RegularExpressions;
using Azure;
using Azure.Identity;
using Microsoft.Identity.Client;

namespace Sluice.Auth.Azure;

/// <summary>Why a token could not be had, in words a user can act on. Never contains a secret or a token.</summary>
internal sealed record EntraFailure(int StatusCode, string Message);

internal static partial class EntraFailures
{
    [GeneratedRegex(@"AADSTS\d+")]
    private static partial Regex AadstsCode();

    /// <summary>
    /// Maps Azure.Identity's exceptions: Entra's own rejection (its AADSTS code lives in the inner MSAL exception)
    /// is a 401; Entra unreachable or a credential that cannot work here is a 503.
    /// </summary>
    public static EntraFailure Describe(Exception exception, string who)
    {
        var msal = Find<MsalServiceException>(exception);
        if (msal is not null && msal.StatusCode is >= 400 and < 500)
        {
            var code = AadstsCode().Match(msal.Message) is { Success: true } m ? m.Value : msal.ErrorCode;
            return new EntraFailure(401, $"Microsoft Entra ID rejected the credential of {who}: {code} ({msal.ErrorCode}): {FirstSentenceAfter(msal.Message, code)}");
        }

        if (Find<CredentialUnavailableException>(exception) is { } unavailable)
        {
            return new EntraFailure(503, $"no Azure credential is available for {who}: {FirstLine(unavailable.Message)}");
        }

        var reason = msal is not null
            ? $"{msal.ErrorCode} (HTTP {msal.StatusCode})"
            : Find<RequestFailedException>(exception)?.Message ?? Find<HttpRequestException>(exception)?.Message ?? exception.GetType().Name;
        return new EntraFailure(503, $"Microsoft Entra ID is unreachable for {who}: {FirstLine(reason)}");
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private static string FirstSentenceAfter(string message, string code)
    {
        var start = message.IndexOf(code, StringComparison.Ordinal);
        var text = start < 0 ? message : message[(start + code.Length)..].TrimStart(':', ' ');
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        return FirstLine(end < 0 ? text : text[..(end + 1)]);
    }
}
