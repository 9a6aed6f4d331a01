using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sluice.Forwarding;

/// <summary>
/// Sends one request upstream and streams the answer back: builds the upstream request (path by the backend's
/// translator, body patched only where needed, client headers filtered, credential attached), applies the rule's
/// timeout, and maps every failure to one status in the OpenAI envelope.
/// </summary>
internal sealed partial class UpstreamForwarder(ILogger<UpstreamForwarder> logger)
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    public async Task<ForwardingOutcome> ForwardAsync(HttpContext context, ForwardingContext forwarding, PooledBufferWriter body)
    {
        var backend = forwarding.BackendRef.Backend;
        var endpoint = backend.NextEndpoint();
        PooledBufferWriter? patched = null;
        try
        {
            var payload = body;
            if (RequestBodyPatcher.NeedsPatch(forwarding.BackendRef.ModelNameOverride, forwarding.BackendRef.BodyMutation))
            {
                patched = new PooledBufferWriter(body.Length + 256);
                RequestBodyPatcher.Patch(body.WrittenSpan, forwarding.BackendRef.ModelNameOverride, forwarding.BackendRef.BodyMutation, patched);
                payload = patched;
            }

            var pathAndQuery = backend.Translator.BuildPathAndQuery(forwarding.Endpoint, forwarding.UpstreamModel);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint.BaseUri, pathAndQuery))
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
                Content = new ByteArrayContent(payload.Array, 0, payload.Length),
            };
            request.Content.Headers.ContentType = JsonContentType;
            HeaderPolicy.CopyRequestHeaders(context.Request.Headers, request, backend.Auth is not null, forwarding.BackendRef.HeaderMutation);
            if (!string.Equals(endpoint.HostHeader, endpoint.BaseUri.Host, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = endpoint.HostHeader;
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(forwarding.Timeout);

            if (backend.Auth is not null)
            {
                var auth = await backend.Auth.ApplyAsync(request, deadline.Token).ConfigureAwait(false);
                if (!auth.Succeeded)
                {
                    await ErrorResponse.WriteAsync(context.Response, GatewayError.UpstreamAuthFailed, auth.Message ?? "the backend credential is not available", null, auth.StatusCode).ConfigureAwait(false);
                    return ForwardingOutcome.AuthFailed;
                }
            }

            HttpResponseMessage response;
            try
            {
                response = await backend.Client.SendAsync(request, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return await FailBeforeResponseAsync(context, forwarding, endpoint.BaseUri, ex, deadline.IsCancellationRequested).ConfigureAwait(false);
            }

            using (response)
            {
                return await ResponseCopier.CopyAsync(context, response, forwarding, deadline, logger).ConfigureAwait(false);
            }
        }
        finally
        {
            patched?.Dispose();
        }
    }

    private async Task<ForwardingOutcome> FailBeforeResponseAsync(HttpContext context, ForwardingContext forwarding, Uri target, Exception ex, bool deadlineExpired)
    {
        var backendName = forwarding.BackendRef.Backend.Name;
        if (context.RequestAborted.IsCancellationRequested)
        {
            return ForwardingOutcome.ClientAborted;
        }

        if (ex is OperationCanceledException && deadlineExpired)
        {
            LogUpstreamTimeout(backendName, target.Authority, forwarding.Timeout.TotalSeconds);
            await ErrorResponse.WriteAsync(context.Response, GatewayError.UpstreamTimeout, $"backend {backendName} did not answer within {forwarding.Timeout.TotalSeconds:0.###}s (rule timeouts.request)").ConfigureAwait(false);
            return ForwardingOutcome.Timeout;
        }

        var reason = Describe(ex);
        LogUpstreamUnreachable(backendName, target.Authority, reason);
        await ErrorResponse.WriteAsync(context.Response, GatewayError.UpstreamUnreachable, $"backend {backendName} at {target.Authority} is unreachable: {reason}").ConfigureAwait(false);
        return ForwardingOutcome.Unreachable;
    }

    private static string Describe(Exception ex)
    {
        if (ex is OperationCanceledException)
        {
            return "connect timeout";
        }

        var socket = ex.InnerException as SocketException ?? ex.InnerException?.InnerException as SocketException;
        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return "connection refused";
        }

        return ex is HttpRequestException http ? http.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "the host name cannot be resolved",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed (check the BackendTLSPolicy hostname and CA)",
            HttpRequestError.ConnectionError => "the connection failed",
            HttpRequestError.ResponseEnded => "the connection closed before a response",
            HttpRequestError.InvalidResponse => "the response is not valid HTTP",
            _ => http.HttpRequestError.ToString(),
        } : ex.GetType().Name;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "backend {Backend} at {Target} is unreachable: {Reason}")]
    private partial void LogUpstreamUnreachable(string backend, string target, string reason);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "backend {Backend} at {Target} timed out after {Seconds}s")]
    private partial void LogUpstreamTimeout(string backend, string target, double seconds);
}
