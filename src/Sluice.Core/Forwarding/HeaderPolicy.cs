using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Sluice.Model;

namespace Sluice.Forwarding;

/// <summary>Which headers cross the gateway in each direction.</summary>
internal static class HeaderPolicy
{
    private static readonly HashSet<string> RequestSkipped = new(StringComparer.OrdinalIgnoreCase)
    {
        // Sluice sets the body's own Content-Type (JSON, translated or not); a client's copy would make it two values.
        "Content-Type",
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection",
        "Proxy-Authorization", "TE", "Trailer", "Upgrade", "Expect",
        // Sluice reads response bodies (usage, translation, error wrapping), so it asks for identity encoding.
        "Accept-Encoding",
        // Set from the body by the gateway itself; a client-sent value is never trusted or forwarded.
        "x-ai-eg-model",
    };

    /// <summary>Client credentials that never reach a backend Sluice authenticates itself.</summary>
    private static readonly HashSet<string> ClientCredentials = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "api-key", "x-api-key",
    };

    private static readonly HashSet<string> ResponseSkipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade",
    };

    public static void CopyRequestHeaders(IHeaderDictionary source, HttpRequestMessage target, bool backendAuthenticated, HeaderMutationModel mutation)
    {
        // While a span is open, the upstream gets its trace context (injected by HttpClient) instead of the client's.
        var tracing = System.Diagnostics.Activity.Current is not null;
        foreach (var header in source)
        {
            var name = header.Key;
            if (name.Length == 0 || name[0] == ':' || RequestSkipped.Contains(name) || (tracing && IsTraceContext(name))
                || (backendAuthenticated && ClientCredentials.Contains(name)) || IsRemoved(name, mutation))
            {
                continue;
            }

            HttpHeaders headers = name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) && target.Content is not null
                ? target.Content.Headers
                : target.Headers;
            if (header.Value.Count == 1)
            {
                headers.TryAddWithoutValidation(name, header.Value[0]);
            }
            else
            {
                headers.TryAddWithoutValidation(name, (IEnumerable<string?>)header.Value);
            }
        }

        foreach (var (name, value) in mutation.Set)
        {
            if (backendAuthenticated && ClientCredentials.Contains(name))
            {
                continue; // a mutation must not replace the credential Sluice attaches
            }

            target.Headers.Remove(name);
            target.Headers.TryAddWithoutValidation(name, value);
        }
    }

    public static void CopyResponseHeaders(HttpResponseMessage source, HttpResponse target, bool bodyRewritten)
    {
        Copy(source.Headers.NonValidated, target, bodyRewritten);
        Copy(source.Content.Headers.NonValidated, target, bodyRewritten);
    }

    private static void Copy(HttpHeadersNonValidated headers, HttpResponse target, bool bodyRewritten)
    {
        foreach (var (name, values) in headers)
        {
            if (ResponseSkipped.Contains(name) || (bodyRewritten && (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))))
            {
                continue;
            }

            if (values.Count == 1)
            {
                target.Headers[name] = values.ToString();
                continue;
            }

            var array = new string[values.Count];
            var i = 0;
            foreach (var value in values)
            {
                array[i++] = value;
            }

            target.Headers[name] = array;
        }
    }

    private static bool IsTraceContext(string name) =>
        name.Equals("traceparent", StringComparison.OrdinalIgnoreCase) || name.Equals("tracestate", StringComparison.OrdinalIgnoreCase);

    private static bool IsRemoved(string name, HeaderMutationModel mutation)
    {
        foreach (var removed in mutation.Remove)
        {
            if (string.Equals(removed, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var (setName, _) in mutation.Set)
        {
            if (string.Equals(setName, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
