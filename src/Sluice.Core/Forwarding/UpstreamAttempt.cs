using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Sluice.Forwarding;

/// <summary>
/// One try against one backend: translate and patch the body for that backend's schema, filter headers, attach
/// its credential, send, and classify the answer. Nothing is written to the client here, so a failed attempt can
/// still fail over. A stream is only accepted once its first bytes arrived (a backend that answers headers and
/// then stalls can still be skipped).
/// </summary>
internal static class UpstreamAttempt
{
    private const int FirstChunkSize = 16 * 1024;
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    public static async Task<AttemptResult> SendAsync(HttpContext context, ForwardingContext forwarding, PooledBufferWriter body, CancellationToken requestDeadline)
    {
        var backend = forwarding.BackendRef.Backend;
        var endpoint = backend.NextEndpoint();
        var resources = new AttemptResources();
        var translator = backend.Translator;
        var payload = body;
        if (RequestBodyPatcher.NeedsPatch(forwarding.BackendRef.ModelNameOverride, forwarding.BackendRef.BodyMutation, forwarding.InjectsUsage && !translator.TranslatesBody))
        {
            resources.Patched = new PooledBufferWriter(body.Length + 256);
            RequestBodyPatcher.Patch(body.WrittenSpan, forwarding.BackendRef.ModelNameOverride, forwarding.BackendRef.BodyMutation, resources.Patched, forwarding.InjectsUsage && !translator.TranslatesBody);
            payload = resources.Patched;
        }

        if (translator.TranslatesBody)
        {
            var refusal = translator.RefuseEndpoint(forwarding.Endpoint);
            if (refusal is not null)
            {
                return Fail(forwarding, resources, AttemptFailure.Untranslatable, GatewayError.EndpointNotFound, $"backend {backend.Name}: {refusal}");
            }

            resources.Translated = new PooledBufferWriter(payload.Length + 256);
            var translation = translator.TranslateRequest(forwarding.Endpoint, payload.WrittenMemory, forwarding.UpstreamModel, resources.Translated);
            if (!translation.Succeeded)
            {
                return Fail(forwarding, resources, AttemptFailure.Untranslatable, translation.Kind, $"backend {backend.Name} ({translator.ProviderName}): {translation.Error}", param: translation.Param);
            }

            payload = resources.Translated;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Target(translator, forwarding.Endpoint, forwarding.UpstreamModel, forwarding.Stream))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Content = new ByteArrayContent(payload.Array, 0, payload.Length),
        };
        resources.Request = request;
        request.Content.Headers.ContentType = JsonContentType;
        HeaderPolicy.CopyRequestHeaders(context.Request.Headers, request, backend.Auth is not null, forwarding.BackendRef.HeaderMutation);
        if (endpoint.SetsHostHeader)
        {
            request.Headers.Host = endpoint.HostHeader;
        }

        // The attempt's own deadline (perRetry.timeout / backendRequest) covers getting an answer, not streaming it.
        // A linked source and its timer cost about 300 bytes per request, so a rule without one has none.
        using var attemptDeadline = forwarding.AttemptTimeout is { } attemptTimeout ? LinkedWithTimeout(requestDeadline, attemptTimeout) : null;
        var attemptToken = attemptDeadline?.Token ?? requestDeadline;

        if (backend.Auth is not null)
        {
            var auth = await backend.Auth.ApplyAsync(request, attemptToken).ConfigureAwait(false);
            if (!auth.Succeeded)
            {
                return Fail(forwarding, resources, AttemptFailure.Auth, GatewayError.UpstreamAuthFailed, auth.Message ?? "the backend credential is not available", auth.StatusCode);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await backend.Client.SendAsync(request, attemptToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return Classify(context, forwarding, resources, endpoint.BaseUri, ex, requestDeadline.IsCancellationRequested, attemptDeadline?.IsCancellationRequested == true);
        }

        if (translator.TranslatesBody && await TranslateResponseAsync(forwarding, resources, response, body, attemptToken).ConfigureAwait(false) is { } untranslatable)
        {
            return untranslatable;
        }

        if ((int)response.StatusCode >= 400)
        {
            return new AttemptResult { Forwarding = forwarding, Failure = AttemptFailure.Status, Response = response, Resources = resources };
        }

        if (!IsEventStream(response))
        {
            return new AttemptResult { Forwarding = forwarding, Response = response, Resources = resources };
        }

        return await ReadFirstChunkAsync(context, forwarding, resources, response, endpoint.BaseUri, requestDeadline, attemptDeadline).ConfigureAwait(false);
    }

    /// <summary>Replaces a provider's answer with its OpenAI translation; a failure when the answer cannot be read.</summary>
    private static async Task<AttemptResult?> TranslateResponseAsync(ForwardingContext forwarding, AttemptResources resources, HttpResponseMessage response, PooledBufferWriter requestBody, CancellationToken cancellationToken)
    {
        var backend = forwarding.BackendRef.Backend;
        var requestId = response.Headers.TryGetValues("x-amzn-requestid", out var ids) ? ids.FirstOrDefault() : null;
        var translator = backend.Translator.CreateResponseTranslator(forwarding.Endpoint, requestBody.WrittenSpan, forwarding.UpstreamModel, requestId)!;
        string? problem;
        try
        {
            var stream = new System.Runtime.CompilerServices.StrongBox<TranslatingStream?>();
            problem = await ResponseTranslation.ApplyAsync(response, translator, stream, cancellationToken).ConfigureAwait(false);
            resources.TranslatedStream = stream.Value;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            response.Dispose();
            return Fail(forwarding, resources, AttemptFailure.Reset, GatewayError.UpstreamUnreachable, $"backend {backend.Name}: the answer could not be read ({ex.GetType().Name})");
        }

        if (problem is null)
        {
            return null;
        }

        response.Dispose();
        return Fail(forwarding, resources, AttemptFailure.Reset, GatewayError.UpstreamUnreachable, $"backend {backend.Name} ({backend.Translator.ProviderName}): {problem}");
    }

    /// <summary>Whether a translated stream ended without finishing its message (its usage must then be estimated).</summary>
    public static bool EndedEarly(AttemptResult result) => (result.Resources as AttemptResources)?.TranslatedStream?.EndedEarly == true;

    public static bool IsEventStream(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);

    private static async Task<AttemptResult> ReadFirstChunkAsync(HttpContext context, ForwardingContext forwarding, AttemptResources resources, HttpResponseMessage response, Uri target, CancellationToken requestDeadline, CancellationTokenSource? attemptDeadline)
    {
        byte[]? buffer = null;
        var attemptToken = attemptDeadline?.Token ?? requestDeadline;
        using var idle = forwarding.Rule.StreamIdleTimeout is { } idleTimeout && idleTimeout > TimeSpan.Zero ? LinkedWithTimeout(attemptToken, idleTimeout) : null;
        var readToken = idle?.Token ?? attemptToken;

        try
        {
            var stream = await response.Content.ReadAsStreamAsync(readToken).ConfigureAwait(false);
            // A model can think for long before its first event: wait with a zero-byte read, holding no buffer.
            await stream.ReadAsync(Memory<byte>.Empty, readToken).ConfigureAwait(false);
            buffer = ArrayPool<byte>.Shared.Rent(FirstChunkSize);
            var read = await stream.ReadAsync(buffer, readToken).ConfigureAwait(false);
            return new AttemptResult { Forwarding = forwarding, Response = response, Resources = resources, FirstChunk = buffer, FirstChunkLength = read };
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            response.Dispose();
            var attemptExpired = attemptDeadline?.IsCancellationRequested == true;
            if (ex is OperationCanceledException && !requestDeadline.IsCancellationRequested && !attemptExpired)
            {
                return Fail(forwarding, resources, AttemptFailure.Timeout, GatewayError.UpstreamTimeout, $"backend {forwarding.BackendRef.Backend.Name} at {target.Authority} sent no event for {forwarding.Rule.StreamIdleTimeout?.TotalSeconds:0.###}s (rule streamIdleTimeout)");
            }

            return Classify(context, forwarding, resources, target, ex, requestDeadline.IsCancellationRequested, attemptExpired);
        }
    }

    private static CancellationTokenSource LinkedWithTimeout(CancellationToken parent, TimeSpan timeout)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(parent);
        source.CancelAfter(timeout);
        return source;
    }

    private static AttemptResult Classify(HttpContext context, ForwardingContext forwarding, AttemptResources resources, Uri target, Exception ex, bool requestExpired, bool attemptExpired)
    {
        var backendName = forwarding.BackendRef.Backend.Name;
        if (context.RequestAborted.IsCancellationRequested)
        {
            return Fail(forwarding, resources, AttemptFailure.ClientAborted, GatewayError.UpstreamTimeout, "the client went away");
        }

        if (ex is OperationCanceledException && (requestExpired || attemptExpired))
        {
            var (seconds, setting) = requestExpired ? (forwarding.Rule.RequestTimeout.TotalSeconds, "timeouts.request") : (forwarding.AttemptTimeout!.Value.TotalSeconds, "the per-attempt timeout");
            return Fail(forwarding, resources, AttemptFailure.Timeout, GatewayError.UpstreamTimeout, $"backend {backendName} at {target.Authority} did not answer within {seconds:0.###}s ({setting})");
        }

        var (failure, reason) = Describe(ex);
        return Fail(forwarding, resources, failure, GatewayError.UpstreamUnreachable, $"backend {backendName} at {target.Authority} is unreachable: {reason}");
    }

    private static (AttemptFailure Failure, string Reason) Describe(Exception ex)
    {
        if (ex is OperationCanceledException)
        {
            return (AttemptFailure.ConnectFailure, "connect timeout");
        }

        var socket = ex.InnerException as SocketException ?? ex.InnerException?.InnerException as SocketException;
        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return (AttemptFailure.ConnectFailure, "connection refused");
        }

        if (ex is not HttpRequestException http)
        {
            return (AttemptFailure.Reset, "the connection was reset");
        }

        return http.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => (AttemptFailure.ConnectFailure, "the host name cannot be resolved"),
            HttpRequestError.SecureConnectionError => (AttemptFailure.ConnectFailure, "the TLS handshake failed (check the BackendTLSPolicy hostname and CA)"),
            HttpRequestError.ConnectionError => (AttemptFailure.ConnectFailure, "the connection failed"),
            HttpRequestError.ResponseEnded => (AttemptFailure.Reset, "the connection closed before a response"),
            HttpRequestError.InvalidResponse => (AttemptFailure.Reset, "the response is not valid HTTP"),
            _ => (AttemptFailure.Reset, http.HttpRequestError.ToString()),
        };
    }

    private static AttemptResult Fail(ForwardingContext forwarding, AttemptResources resources, AttemptFailure failure, GatewayError error, string message, int? status = null, string? param = null) =>
        new() { Forwarding = forwarding, Failure = failure, Error = error, Message = message, StatusOverride = status, Resources = resources, Param = param };

    /// <summary>The upstream request and the patched body live until the attempt's response is fully copied.</summary>
    private sealed class AttemptResources : IDisposable
    {
        public HttpRequestMessage? Request { get; set; }

        public PooledBufferWriter? Patched { get; set; }

        public PooledBufferWriter? Translated { get; set; }

        public TranslatingStream? TranslatedStream { get; set; }

        public void Dispose()
        {
            Request?.Dispose();
            Patched?.Dispose();
            Translated?.Dispose();
        }
    }
}
