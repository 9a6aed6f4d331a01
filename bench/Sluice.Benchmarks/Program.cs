using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace Sluice.Benchmarks;

/// <summary>
/// Micro-benchmarks of the passthrough path (body reading, model extraction, routing, body patching, SSE copying) and of
/// the provider paths (request, response and stream translation, AWS event-stream decoding, SigV4 signing, Azure OpenAI)
/// and of governance (API key check, rate limit, request costs, access log) and token counting.
/// Any BenchmarkDotNet arguments work, e.g. <c>--filter '*' --job short --inProcess</c>; bench/run.sh passes them.
/// <c>--alloc-profile [direct|gateway] [stream]</c> samples what one request allocates, by type (<see cref="AllocationProfile"/>).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--alloc-profile")
        {
            return AllocationProfile.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();
        var failed = summaries.Any(static s => s.HasCriticalValidationErrors || s.Reports.Any(static r => !r.Success));
        return failed ? 1 : 0;
    }
}
