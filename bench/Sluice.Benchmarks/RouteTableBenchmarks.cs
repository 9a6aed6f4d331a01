using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Sluice.Forwarding;
using Sluice.Routing;

namespace Sluice.Benchmarks;

/// <summary>
/// Rule matching over 10,000 Exact model rules compiled from YAML, with and without a trailing <c>.*</c> catch-all
/// route: a hit, a miss, and a model only the catch-all serves.
/// </summary>
[MemoryDiagnoser]
public class RouteTableBenchmarks
{
    private const int Models = 10_000;
    private readonly HeaderDictionary _headers = new() { ["content-type"] = "application/json" };
    private UpstreamClientPool? _clients;
    private RouteTable? _exactOnly;
    private RouteTable? _withCatchAll;

    [GlobalSetup]
    public void Setup()
    {
        _clients = new UpstreamClientPool();
        _exactOnly = GeneratedConfig.Build(Models, catchAll: false, _clients).Routes;
        _withCatchAll = GeneratedConfig.Build(Models, catchAll: true, _clients).Routes;
        if (_exactOnly.Count != Models || _withCatchAll.Count != Models + 1)
        {
            throw new InvalidOperationException($"expected {Models} rules, compiled {_exactOnly.Count}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _clients?.Dispose();

    [Benchmark(Baseline = true)]
    public object? ExactHit() => _exactOnly!.Match("model-7777", _headers, "127.0.0.1:1975");

    [Benchmark]
    public object? ExactMiss() => _exactOnly!.Match("no-such-model", _headers, "127.0.0.1:1975");

    [Benchmark]
    public object? ExactHitWithCatchAll() => _withCatchAll!.Match("model-7777", _headers, "127.0.0.1:1975");

    [Benchmark]
    public object? CatchAllFallback() => _withCatchAll!.Match("no-such-model", _headers, "127.0.0.1:1975");
}
