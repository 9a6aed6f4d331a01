using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Sluice.Configuration.Resources;
using Sluice.Model;

namespace Sluice.RateLimiting;

/// <summary>Admission, settlement, windows, reservations and bucket keys, on in-process counters and a fake clock.</summary>
public sealed class RateLimiterTests
{
    private static readonly RequestCostsModel Costs = new(["in", "out"], [LlmCostType.InputToken, LlmCostType.OutputToken]);
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    private static RateLimitRuleModel Rule(long limit, long requestCost = 1, int responseIndex = -1, RateLimitUnit unit = RateLimitUnit.Minute, bool shadow = false, params RateLimitHeaderModel[] headers) => new()
    {
        BucketPrefix = "default/p/global/0@default/chat",
        Scope = RateLimitScope.Global,
        Headers = headers,
        Limit = limit,
        Unit = unit,
        RequestCost = requestCost,
        ResponseCostIndex = responseIndex,
        ShadowMode = shadow,
        DistinctCount = headers.Count(static h => h.Type == RateLimitHeaderMatchType.Distinct),
    };

    private RateLimiter Limiter(bool reservation = false)
    {
        var store = new InMemoryRateLimitStore(_time);
        return new RateLimiter(store, store, new RateLimitOptions { Reservation = reservation, ReserveOutputTokens = 50 }, _time);
    }

    private static ReadOnlyMemory<byte> Body(string json) => System.Text.Encoding.UTF8.GetBytes(json);

    private static ValueTask<RateLimitAdmission> Admit(RateLimiter limiter, RateLimitRuleModel rule, IHeaderDictionary? headers = null, string body = "{}") =>
        limiter.AdmitAsync(new RateLimitPolicyModel([rule]), Costs, headers ?? new HeaderDictionary(), "gpt-4o-mini", Body(body));

    [Fact]
    public async Task RequestCount_AdmitsUpToTheLimit_ThenRefusesUntilTheWindowEnds()
    {
        using var limiter = Limiter();
        var rule = Rule(limit: 2);
        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(RateLimitDecision.Admitted, (await Admit(limiter, rule)).Decision);
        Assert.Equal(RateLimitDecision.Admitted, (await Admit(limiter, rule)).Decision);
        var refused = await Admit(limiter, rule);

        Assert.Equal(RateLimitDecision.Limited, refused.Decision);
        Assert.Equal(2, refused.Refusal!.Used);
        Assert.Equal(45, refused.Refusal.ResetSeconds); // fixed windows aligned to the minute
        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(RateLimitDecision.Admitted, (await Admit(limiter, rule)).Decision);
    }

    [Fact]
    public async Task ZeroRequestCost_AdmitsWhileBelowTheLimit_AndTheResponseCostIsChargedAtTheEnd()
    {
        using var limiter = Limiter();
        var rule = Rule(limit: 10, requestCost: 0, responseIndex: 1);

        var first = await Admit(limiter, rule);
        var second = await Admit(limiter, rule); // nothing charged yet: both admitted
        await limiter.CompleteAsync(first.Ticket!, [3, 6]);
        await limiter.CompleteAsync(second.Ticket!, [3, 6]);

        var third = await Admit(limiter, rule);
        Assert.Equal(RateLimitDecision.Limited, third.Decision);
        Assert.Equal(12, third.Refusal!.Used); // a response may overshoot; later requests wait for the window
    }

    [Fact]
    public async Task ShadowMode_CountsButNeverRefuses()
    {
        using var limiter = Limiter();
        var rule = Rule(limit: 1, shadow: true);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(RateLimitDecision.Admitted, (await Admit(limiter, rule)).Decision);
        }
    }

    [Fact]
    public async Task Reservation_ChargesTheEstimateAtAdmission_AndSettlesTheDifference()
    {
        using var limiter = Limiter(reservation: true);
        var rule = Rule(limit: 100, requestCost: 0, responseIndex: 1);
        const string body = """{"model":"m","max_tokens":40,"messages":[{"role":"user","content":"Hi"}]}""";

        var first = await Admit(limiter, rule, body: body);
        var second = await Admit(limiter, rule, body: body);
        var third = await Admit(limiter, rule, body: body);
        Assert.Equal(RateLimitDecision.Admitted, third.Decision); // 80 reserved < 100
        Assert.Equal(RateLimitDecision.Limited, (await Admit(limiter, rule, body: body)).Decision); // 120 reserved

        await limiter.CompleteAsync(first.Ticket!, [2, 5]);
        await limiter.CompleteAsync(second.Ticket!, [2, 5]);
        await limiter.CompleteAsync(third.Ticket!, [2, 5]);
        var after = await Admit(limiter, rule, body: body);
        Assert.Equal(RateLimitDecision.Admitted, after.Decision); // 15 used + 40 reserved
        await limiter.CompleteAsync(after.Ticket!, []); // no usage known: the reservation is given back

        var probe = await Admit(limiter, Rule(limit: 15, requestCost: 0, responseIndex: 1), body: body);
        Assert.Equal(RateLimitDecision.Limited, probe.Decision);
        Assert.Equal(15, probe.Refusal!.Used);
    }

    [Fact]
    public async Task CelReservation_TakesTheLargestCostOverTheRoutesBackends_AndAFailedCelCostChargesNoMore()
    {
        using var limiter = Limiter(reservation: true);
        var expression = Sluice.Costs.CelCostExpression.TryCompile("backend == 'dear.default' ? output_tokens * 10u : output_tokens", out _)!;
        var costs = new RequestCostsModel(["cel"], [LlmCostType.Cel], [expression], "default/chat", ["cheap.default", "dear.default"]);
        var rule = Rule(limit: 500, requestCost: 0, responseIndex: 0);
        const string body = """{"model":"m","max_tokens":40,"messages":[{"role":"user","content":"Hi"}]}""";
        var policy = new RateLimitPolicyModel([rule]);

        var first = await limiter.AdmitAsync(policy, costs, new HeaderDictionary(), "m", Body(body)); // 400 reserved (dear)
        var second = await limiter.AdmitAsync(policy, costs, new HeaderDictionary(), "m", Body(body)); // 400 < 500: admitted, 800
        Assert.Equal(RateLimitDecision.Admitted, second.Decision);
        Assert.Equal(RateLimitDecision.Limited, (await limiter.AdmitAsync(policy, costs, new HeaderDictionary(), "m", Body(body))).Decision);

        await limiter.CompleteAsync(first.Ticket!, [7]); // served by the cheap backend: 7, so 393 given back
        await limiter.CompleteAsync(second.Ticket!, [RequestCostsModel.Failed]); // unknown cost: the 400 reserved stay

        var probe = await Admit(limiter, Rule(limit: 100, requestCost: 0, responseIndex: 0), body: body);
        Assert.Equal(RateLimitDecision.Limited, probe.Decision);
        Assert.Equal(407, probe.Refusal!.Used);
    }

    [Fact]
    public async Task Reservation_WithoutMaxTokens_ReservesTheConfiguredDefault()
    {
        using var limiter = Limiter(reservation: true);
        var rule = Rule(limit: 60, requestCost: 0, responseIndex: 1);

        Assert.Equal(RateLimitDecision.Admitted, (await Admit(limiter, rule)).Decision); // 50 reserved
        Assert.Equal(RateLimitDecision.Admitted, (await Admit(limiter, rule)).Decision); // 50 < 60: admitted, 100 reserved
        Assert.Equal(RateLimitDecision.Limited, (await Admit(limiter, rule)).Decision);
    }

    [Fact]
    public async Task ResponseEndingInANewWindow_IsChargedThereInFull()
    {
        using var limiter = Limiter(reservation: true);
        var rule = Rule(limit: 10, requestCost: 0, responseIndex: 1);
        var admission = await Admit(limiter, rule, body: """{"max_tokens":4}""");

        _time.Advance(TimeSpan.FromMinutes(1));
        await limiter.CompleteAsync(admission.Ticket!, [0, 12]);

        var refused = await Admit(limiter, rule);
        Assert.Equal(12, refused.Refusal!.Used);
    }

    [Fact]
    public async Task Distinct_GivesEachValueItsOwnBucket_AndMissingHeadersSkipTheRule()
    {
        using var limiter = Limiter();
        var rule = Rule(limit: 1, headers: new RateLimitHeaderModel { Name = "x-user-id", Type = RateLimitHeaderMatchType.Distinct });

        Assert.Equal(RateLimitDecision.Admitted, (await Admit(limiter, rule, new HeaderDictionary { ["x-user-id"] = "alice" })).Decision);
        Assert.Equal(RateLimitDecision.Limited, (await Admit(limiter, rule, new HeaderDictionary { ["x-user-id"] = "alice" })).Decision);
        Assert.Equal(RateLimitDecision.Admitted, (await Admit(limiter, rule, new HeaderDictionary { ["x-user-id"] = "bob" })).Decision);
        var unlimited = await Admit(limiter, rule);
        Assert.Equal(RateLimitDecision.Admitted, unlimited.Decision);
        Assert.Null(unlimited.Ticket);
    }

    [Fact]
    public void BucketKey_KeepsTheFormatSharedRedisCountersUse()
    {
        // Replicas of different versions share Redis counters, so the key's shape may not change:
        // prefix, "|" and the first 16 bytes of each Distinct value's SHA-256 in lower-case hex, ":" and the window.
        var rule = Rule(
            limit: 1,
            headers:
            [
                new RateLimitHeaderModel { Name = "x-user-id", Type = RateLimitHeaderMatchType.Distinct },
                new RateLimitHeaderModel { Name = "x-team", Type = RateLimitHeaderMatchType.Distinct },
            ]);
        var headers = new HeaderDictionary { ["x-user-id"] = "alice", ["x-team"] = "tëam" };
        static string Hex(string value) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value))[..16]);

        Assert.Equal($"default/p/global/0@default/chat|{Hex("alice")}|{Hex("tëam")}", RateLimiter.BucketKey(rule, headers, "m"));
        Assert.Equal($"default/p/global/0@default/chat|{Hex("alice")}|{Hex("tëam")}:1795516020", RateLimiter.BucketKey(rule, headers, "m", 1795516020));
        Assert.Equal("default/p/global/0@default/chat:60", RateLimiter.BucketKey(Rule(limit: 1), headers, "m", 60));
    }

    [Fact]
    public void BucketKey_NeverContainsTheHeaderValue()
    {
        var rule = Rule(limit: 1, headers: new RateLimitHeaderModel { Name = "authorization", Type = RateLimitHeaderMatchType.Distinct });

        var key = RateLimiter.BucketKey(rule, new HeaderDictionary { ["authorization"] = "Bearer sk-secret-123" }, "m")!;

        Assert.DoesNotContain("sk-secret", key, StringComparison.Ordinal);
        Assert.StartsWith("default/p/global/0@default/chat|", key, StringComparison.Ordinal);
        Assert.Equal(key, RateLimiter.BucketKey(rule, new HeaderDictionary { ["authorization"] = "Bearer sk-secret-123" }, "m"));
    }

    [Fact]
    public void BucketKey_ExactRegexInvertAndModelConditions()
    {
        var exact = new RateLimitHeaderModel { Name = "x-tier", Type = RateLimitHeaderMatchType.Exact, Exact = "free" };
        var regex = new RateLimitHeaderModel { Name = "x-org", Type = RateLimitHeaderMatchType.RegularExpression, Pattern = new System.Text.RegularExpressions.Regex("^(?:acme-.*)$") };
        var inverted = new RateLimitHeaderModel { Name = "x-tier", Type = RateLimitHeaderMatchType.Exact, Exact = "gold", Invert = true };
        var model = new RateLimitHeaderModel { Name = "x-ai-eg-model", Type = RateLimitHeaderMatchType.Exact, Exact = "gpt-4o", IsModelHeader = true };

        Assert.NotNull(RateLimiter.BucketKey(Rule(1, headers: exact), new HeaderDictionary { ["x-tier"] = "free" }, "m"));
        Assert.Null(RateLimiter.BucketKey(Rule(1, headers: exact), new HeaderDictionary { ["x-tier"] = "gold" }, "m"));
        Assert.NotNull(RateLimiter.BucketKey(Rule(1, headers: regex), new HeaderDictionary { ["x-org"] = "acme-labs" }, "m"));
        Assert.Null(RateLimiter.BucketKey(Rule(1, headers: regex), new HeaderDictionary { ["x-org"] = "other-acme-labs" }, "m"));
        Assert.NotNull(RateLimiter.BucketKey(Rule(1, headers: inverted), new HeaderDictionary { ["x-tier"] = "free" }, "m"));
        Assert.Null(RateLimiter.BucketKey(Rule(1, headers: inverted), new HeaderDictionary(), "m")); // missing never matches, inverted or not
        Assert.NotNull(RateLimiter.BucketKey(Rule(1, headers: model), new HeaderDictionary { ["x-ai-eg-model"] = "spoofed" }, "gpt-4o"));
        Assert.Null(RateLimiter.BucketKey(Rule(1, headers: model), new HeaderDictionary { ["x-ai-eg-model"] = "gpt-4o" }, "gpt-4o-mini"));
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":40}""", 40L)]
    [InlineData("""{"max_completion_tokens":30,"messages":[{"max_tokens":1}]}""", 30L)]
    [InlineData("""{"max_output_tokens":12,"input":"x"}""", 12L)]
    [InlineData("""{"model":"m","metadata":{"max_tokens":5}}""", null)]
    [InlineData("""{"model":"m"}""", null)]
    public void MaxOutputTokens_ReadsTopLevelBoundsOnly(string body, long? expected)
    {
        Assert.Equal(expected, ReservationEstimate.MaxOutputTokens(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task InMemoryStore_SweepsEndedWindows()
    {
        var store = new InMemoryRateLimitStore(_time);
        await store.TryAcquireAsync([new BucketCharge("a:0", 10, 1, 1, 60)]);
        _time.Advance(TimeSpan.FromMinutes(5));

        await store.TryAcquireAsync([new BucketCharge("b:0", 10, 1, 1, 60)]);

        Assert.Equal(1, store.Count);
    }
}
