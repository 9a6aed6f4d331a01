using System.Diagnostics.Tracing;

namespace Sluice.Benchmarks;

/// <summary>
/// <c>--alloc-profile [direct|gateway] [stream]</c>: sends requests like <see cref="GatewayRoundTripBenchmarks"/> and
/// prints which types this process allocated, sampled by the runtime's GC AllocationTick event (one sample per
/// ~100 KB allocated, naming the type that crossed the mark). Compare the Direct and Gateway lists to see what the
/// gateway adds; no dotnet-trace needed.
/// </summary>
internal static class AllocationProfile
{
    public static async Task<int> RunAsync(string[] args)
    {
        var benchmark = new GatewayRoundTripBenchmarks
        {
            Path = args.Contains("direct") ? "Direct" : "Gateway",
            Stream = args.Contains("stream"),
        };
        benchmark.Setup();
        try
        {
            for (var i = 0; i < 20_000; i++)
            {
                await benchmark.Request(); // warm up: tiering and pools
            }

            const int requests = 50_000;
            using var listener = new AllocationTickListener();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < requests; i++)
            {
                await benchmark.Request();
            }

            var perRequest = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)requests;
            Console.WriteLine($"{benchmark.Path}, stream={benchmark.Stream}: {perRequest:0} B allocated per request (whole process)");
            var samples = listener.Snapshot();
            var total = samples.Values.Sum();
            foreach (var (type, count) in samples.OrderByDescending(static s => s.Value).Take(40))
            {
                Console.WriteLine($"{count * 100.0 / total,6:0.0} %  ~{perRequest * count / total,7:0} B/req  {type}");
            }

            return 0;
        }
        finally
        {
            benchmark.Cleanup();
        }
    }

    private sealed class AllocationTickListener : EventListener
    {
        private const int AllocationTickEventId = 10;
        private readonly Dictionary<string, long> _samples = [];

        public Dictionary<string, long> Snapshot()
        {
            lock (_samples)
            {
                return new Dictionary<string, long>(_samples);
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword, verbose: AllocationTick
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventId != AllocationTickEventId || eventData.PayloadNames is null)
            {
                return;
            }

            var index = eventData.PayloadNames.IndexOf("TypeName");
            var type = index >= 0 ? eventData.Payload![index] as string ?? "?" : "?";
            lock (_samples)
            {
                _samples[type] = _samples.GetValueOrDefault(type) + 1;
            }
        }
    }
}
