using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Sluice.ClientAuth;
using Sluice.Costs;
using Sluice.Forwarding;
using Sluice.LoadTools.Configs;
using Sluice.LoadTools.Load;
using Sluice.Model;
using Sluice.RateLimiting;
using Sluice.Telemetry;
using Sluice.Translation;
using Sluice.Usage;

namespace Sluice.Benchmarks;

/// <summary>
/// The per-request parts of the load benchmark's governance-on config, each alone: the client API key check, a
/// token rate limit with a Distinct header (admission, then settlement of the response cost, in process) and the
/// request-cost computation, and one access-log line (rendered and appended to the batch; the batch goes to
/// <see cref="TextWriter.Null"/>). The rule and costs are compiled from the load harness's own governance config
/// (<see cref="SluiceConfigs.Governance"/>).
/// </summary>
[MemoryDiagnoser]
public class GovernanceBenchmarks
{
    private readonly HeaderDictionary _headers = new()
    {
        ["content-type"] = "application/json",
        ["authorization"] = "Bearer " + SluiceConfigs.ClientKey,
        ["x-tenant"] = "tenant-7",
    };

    private TokenUsage _usage;
    private ApiKeyTable? _keys;
    private UpstreamClientPool? _clients;
    private RateLimiter? _limiter;
    private RateLimitPolicyModel? _policy;
    private RequestCostsModel _costs = RequestCostsModel.None;
    private AccessLog? _accessLog;
    private DefaultHttpContext? _context;
    private ForwardingContext? _forwarding;
    private UsageTracker? _tracker;
    private long[] _costValues = [];
    private CelCostExpression? _cel;

    private const string Backend = "sim.default";
    private const string CelPricing = "backend == 'azure.default' ? total_tokens : (input_tokens - cached_input_tokens) + cached_input_tokens / 10u + output_tokens * 4u";

    [GlobalSetup]
    public void Setup()
    {
        _clients = new UpstreamClientPool();
        var snapshot = GeneratedConfig.Compile("governance.yaml", SluiceConfigs.Governance(upstreamPort: 9), _clients);
        var rule = snapshot.Routes.Match(Bodies.DefaultModel, _headers, "127.0.0.1:1975")
            ?? throw new InvalidOperationException("the governance benchmark config routes nothing");
        _policy = rule.RateLimit ?? throw new InvalidOperationException("the governance benchmark route has no rate limit");
        _costs = rule.Costs;
        _limiter = new RateLimiter(new InMemoryRateLimitStore(TimeProvider.System), new InMemoryRateLimitStore(TimeProvider.System), new RateLimitOptions(), TimeProvider.System);
        _keys = new ApiKeyTable([("bench", SluiceConfigs.ClientKey)]);

        _accessLog = new AccessLog(TextWriter.Null, TimeProvider.System);
        _context = new DefaultHttpContext();
        _context.Request.Method = "POST";
        _context.Request.Path = "/v1/chat/completions";
        _context.Request.Headers["x-request-id"] = "6f1c0e4e-8a57-4bd0-9d3e-2f0d3c1b9a11";
        _forwarding = new ForwardingContext(EndpointKind.ChatCompletions, Bodies.DefaultModel, Stream: false, rule, rule.PriorityGroups[0].Refs[0]);
        _tracker = new UsageTracker(TimeProvider.System, TimeProvider.System.GetTimestamp(), dropUsageOnlyChunk: false);
        _tracker.TeeBody(Answer);
        _tracker.CompleteBody();
        _usage = _tracker.Usage ?? throw new InvalidOperationException("the canned answer has no usage");
        _costValues = _costs.Compute(_usage, Bodies.DefaultModel, Backend, out _);
        _cel = CelCostExpression.TryCompile(CelPricing, out var error) ?? throw new InvalidOperationException(error);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _accessLog?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _tracker?.Dispose();
        _limiter?.Dispose();
        _clients?.Dispose();
    }

    [Benchmark]
    public string? ApiKeyCheck() => _keys!.Find(SluiceConfigs.ClientKey);

    [Benchmark]
    public long[] RequestCosts() => _costs.Compute(_usage, Bodies.DefaultModel, Backend, out _);

    /// <summary>One CEL cost (a pricing formula with a backend branch), as a route with <c>type: CEL</c> evaluates it per request.</summary>
    [Benchmark]
    public long CelCost()
    {
        _cel!.TryEvaluate(new CostInputs(_usage, Bodies.DefaultModel, Backend, "default/chat"), out var cost, out _);
        return cost;
    }

    [Benchmark]
    public async Task<bool> RateLimitAdmitAndSettle()
    {
        var admission = await _limiter!.AdmitAsync(_policy!, _costs, _headers, Bodies.DefaultModel, ReadOnlyMemory<byte>.Empty);
        await _limiter.CompleteAsync(admission.Ticket!, _costValues); // the request path computes the costs once, for all consumers
        return admission.Decision == RateLimitDecision.Admitted;
    }

    [Benchmark]
    public void AccessLogLine() => _accessLog!.Write(_context!, _forwarding!, ForwardingOutcome.Completed, TimeSpan.FromMilliseconds(1.234), _tracker!, _costValues);

    private static readonly byte[] Answer = System.Text.Encoding.UTF8.GetBytes(
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1795516045,\"model\":\"sluice-sim\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"lorem ipsum\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":80,\"total_tokens\":92}}");
}
