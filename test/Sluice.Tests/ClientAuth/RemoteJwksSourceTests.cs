using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.TestSupport;

namespace Sluice.ClientAuth;

public sealed class RemoteJwksSourceTests : IDisposable
{
    private static readonly Uri JwksUri = new("https://issuer.test/jwks");
    private readonly TestJwtIssuer _issuer = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly JwksEndpoint _endpoint;
    private readonly HttpClient _http;

    public RemoteJwksSourceTests()
    {
        _endpoint = new JwksEndpoint(_issuer.JwksJson);
        _http = new HttpClient(_endpoint);
    }

    public void Dispose()
    {
        _http.Dispose();
        _issuer.Dispose();
    }

    private RemoteJwksSource Source() => new(JwksUri, TimeSpan.FromMinutes(5), _http, _time, NullLogger.Instance);

    [Fact]
    public async Task GetKeys_WithinCacheDuration_FetchesOnce()
    {
        var source = Source();

        var first = await source.GetKeysAsync("key-1", default);
        _time.Advance(TimeSpan.FromMinutes(4));
        var second = await source.GetKeysAsync("key-1", default);

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.Equal(1, _endpoint.Requests);
    }

    [Fact]
    public async Task GetKeys_ConcurrentColdCalls_ShareOneFetch()
    {
        _endpoint.Gate = new TaskCompletionSource();
        var source = Source();

        var calls = Enumerable.Range(0, 50).Select(_ => source.GetKeysAsync("key-1", default).AsTask()).ToList();
        await Task.Delay(50);
        _endpoint.Gate.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Equal(1, _endpoint.Requests);
    }

    [Fact]
    public async Task GetKeys_AfterCacheDuration_ServesTheCachedKeysAndRefreshesInTheBackground()
    {
        var source = Source();
        var first = await source.GetKeysAsync("key-1", default);

        _time.Advance(TimeSpan.FromMinutes(5));
        var stale = await source.GetKeysAsync("key-1", default);
        await _endpoint.WaitForRequestsAsync(2);
        await Task.Delay(20);
        var refreshed = await source.GetKeysAsync("key-1", default);

        Assert.Same(first, stale);
        Assert.NotSame(first, refreshed);
        Assert.Equal(2, _endpoint.Requests);
    }

    [Fact]
    public async Task GetKeys_UnknownKid_FetchesAgainAtMostEveryThirtySeconds()
    {
        var source = Source();
        await source.GetKeysAsync("key-1", default);

        _time.Advance(TimeSpan.FromSeconds(31));
        await source.GetKeysAsync("rotated-key", default);
        await source.GetKeysAsync("rotated-key", default);
        await source.GetKeysAsync("another-unknown-key", default);

        Assert.Equal(2, _endpoint.Requests);
    }

    [Fact]
    public async Task GetKeys_EndpointDown_ReturnsNullThenBacksOff()
    {
        _endpoint.Status = HttpStatusCode.ServiceUnavailable;
        var source = Source();

        var first = await source.GetKeysAsync("key-1", default);
        var duringBackOff = await source.GetKeysAsync("key-1", default);
        _time.Advance(RemoteJwksSource.FailureBackOff);
        _endpoint.Status = HttpStatusCode.OK;
        var recovered = await source.GetKeysAsync("key-1", default);

        Assert.Null(first);
        Assert.Null(duringBackOff);
        Assert.NotNull(recovered);
        Assert.Equal(2, _endpoint.Requests);
    }

    [Fact]
    public async Task GetKeys_RefreshFails_KeepsTheKeysItHad()
    {
        var source = Source();
        var keys = await source.GetKeysAsync("key-1", default);

        _endpoint.Status = HttpStatusCode.InternalServerError;
        _time.Advance(TimeSpan.FromMinutes(6));
        await source.GetKeysAsync("key-1", default);
        await _endpoint.WaitForRequestsAsync(2);
        await Task.Delay(20);

        Assert.Same(keys, await source.GetKeysAsync("key-1", default));
    }

    [Fact]
    public async Task GetKeys_NotAKeySet_IsNoKeys()
    {
        _endpoint.Body = "<html>login</html>";

        Assert.Null(await Source().GetKeysAsync(null, default));
    }

    private sealed class JwksEndpoint(string body) : HttpMessageHandler
    {
        private int _requests;

        public string Body { get; set; } = body;

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public TaskCompletionSource? Gate { get; set; }

        public int Requests => Volatile.Read(ref _requests);

        public async Task WaitForRequestsAsync(int count)
        {
            for (var i = 0; i < 200 && Requests < count; i++)
            {
                await Task.Delay(10);
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            Assert.Equal(JwksUri, request.RequestUri);
            if (Gate is not null)
            {
                await Gate.Task;
            }

            return new HttpResponseMessage(Status) { Content = new StringContent(Body) };
        }
    }
}
