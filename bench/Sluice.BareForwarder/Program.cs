using System.Buffers;
using System.Net;

// Usage: Sluice.BareForwarder --port 18083 --upstream http://127.0.0.1:18080
// Forwards every request to the upstream with the same path and query, and the answer back, flushing each read of a
// streamed answer. Hop-by-hop headers are dropped in both directions; nothing else is looked at.
var port = int.Parse(Argument("--port") ?? "18083", System.Globalization.CultureInfo.InvariantCulture);
var upstream = new Uri(Argument("--upstream") ?? "http://127.0.0.1:18080");

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, port);
});
using var client = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    ConnectTimeout = TimeSpan.FromSeconds(5),
    EnableMultipleHttp2Connections = true,
});
var app = builder.Build();
app.Run(context => ForwardAsync(context, client, upstream));
Console.WriteLine($"bare forwarder on http://127.0.0.1:{port}/ -> {upstream}");
await app.RunAsync();

static async Task ForwardAsync(HttpContext context, HttpMessageInvoker client, Uri upstream)
{
    var request = context.Request;
    using var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(upstream, request.Path + request.QueryString));
    if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
    {
        outgoing.Content = new StreamContent(request.Body);
    }

    foreach (var header in request.Headers)
    {
        if (IsHopByHop(header.Key) || string.Equals(header.Key, "Host", StringComparison.OrdinalIgnoreCase))
        {
            continue;
        }

        if (!outgoing.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value))
        {
            outgoing.Content?.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
        }
    }

    using var answer = await client.SendAsync(outgoing, context.RequestAborted);
    var response = context.Response;
    response.StatusCode = (int)answer.StatusCode;
    foreach (var header in answer.Headers)
    {
        if (!IsHopByHop(header.Key))
        {
            response.Headers[header.Key] = header.Value.ToArray();
        }
    }

    foreach (var header in answer.Content.Headers)
    {
        response.Headers[header.Key] = header.Value.ToArray();
    }

    var streamed = answer.Content.Headers.ContentType?.MediaType == "text/event-stream";
    await using var body = await answer.Content.ReadAsStreamAsync(context.RequestAborted);
    var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    try
    {
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            if (streamed)
            {
                await response.Body.FlushAsync(context.RequestAborted);
            }
        }
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }
}

static bool IsHopByHop(string name) =>
    name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
    || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
    || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("TE", StringComparison.OrdinalIgnoreCase)
    || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase);

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
