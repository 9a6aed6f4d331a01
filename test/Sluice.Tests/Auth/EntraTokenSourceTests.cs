using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Auth.Azure;

namespace Sluice.Auth;

public sealed class EntraTokenSourceTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ColdCache_HundredConcurrentRequests_CauseOneFetch()
    {
        var credential = new ScriptedCredential(_time, TimeSpan.FromHours(1)) { Delay = TimeSpan.FromMilliseconds(200) };
        using var source = Create(credential);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => source.GetTokenAsync(CancellationToken.None).AsTask()));

        Assert.Equal(1, credential.Calls);
        Assert.All(results, r => Assert.Equal("Bearer token-1", r.AuthorizationHeader));
    }

    [Fact]
    public async Task WarmToken_IsServedWithoutFetching_AndRefreshedFiveMinutesAhead()
    {
        var credential = new ScriptedCredential(_time, TimeSpan.FromHours(1));
        using var source = Create(credential);
        await source.GetTokenAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(54));
        Assert.Equal("Bearer token-1", (await source.GetTokenAsync(CancellationToken.None)).AuthorizationHeader);
        Assert.Equal(1, credential.Calls);

        _time.Advance(TimeSpan.FromSeconds(60)); // 55 minutes: inside the 5-minute window, the timer refreshes
        await credential.WaitForCallsAsync(2);
        await WaitUntilAsync(async () => (await source.GetTokenAsync(CancellationToken.None)).AuthorizationHeader == "Bearer token-2");
        Assert.Equal(2, credential.Calls);
    }

    [Fact]
    public async Task FailedRefresh_KeepsTheValidToken_AndRetriesWithBackoff()
    {
        var credential = new ScriptedCredential(_time, TimeSpan.FromHours(1));
        using var source = Create(credential);
        await source.GetTokenAsync(CancellationToken.None);
        credential.Fail = true;

        _time.Advance(TimeSpan.FromMinutes(55));
        await credential.WaitForCallsAsync(2);
        Assert.Equal("Bearer token-1", (await source.GetTokenAsync(CancellationToken.None)).AuthorizationHeader);

        _time.Advance(TimeSpan.FromSeconds(1)); // first back-off step
        await credential.WaitForCallsAsync(3);
        credential.Fail = false;
        _time.Advance(TimeSpan.FromSeconds(2)); // second, doubled
        await credential.WaitForCallsAsync(4);
        await WaitUntilAsync(async () => (await source.GetTokenAsync(CancellationToken.None)).AuthorizationHeader == "Bearer token-4");
    }

    [Fact]
    public async Task NoToken_FailureIsReturned_ThenFailsFastUntilTheRetryTime()
    {
        var credential = new ScriptedCredential(_time, TimeSpan.FromHours(1)) { Fail = true };
        using var source = Create(credential);

        var first = await source.GetTokenAsync(CancellationToken.None);
        var second = await source.GetTokenAsync(CancellationToken.None);

        Assert.NotNull(first.Failure);
        Assert.Equal(1, credential.Calls);
        Assert.Equal(first.Failure, second.Failure);
        Assert.Contains("tenant t1, client id c1", first.Failure!.Message, StringComparison.Ordinal);
    }

    private EntraTokenSource Create(TokenCredential credential) =>
        new(credential, AzureCredentialFactory.CognitiveServicesScope, "BackendSecurityPolicy default/p (tenant t1, client id c1)", _time, NullLogger.Instance);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(await condition());
    }

    /// <summary>A credential that hands out token-1, token-2, ... valid for a fixed lifetime, or fails on demand.</summary>
    private sealed class ScriptedCredential(TimeProvider time, TimeSpan lifetime) : TokenCredential
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public bool Fail { get; set; }

        public TimeSpan Delay { get; init; }

        public async Task WaitForCallsAsync(int calls)
        {
            for (var i = 0; i < 500 && Calls < calls; i++)
            {
                await Task.Delay(10);
            }

            Assert.True(Calls >= calls, $"expected {calls} token fetches, saw {Calls}");
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var fail = Fail; // read before the count moves, so a test that waits on the count sees a settled outcome
            var call = Interlocked.Increment(ref _calls);
            Assert.Equal([AzureCredentialFactory.CognitiveServicesScope], requestContext.Scopes);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            if (fail)
            {
                throw new AuthenticationFailedException("scripted failure");
            }

            return new AccessToken($"token-{call}", time.GetUtcNow() + lifetime);
        }
    }
}
