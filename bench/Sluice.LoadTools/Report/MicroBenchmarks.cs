using System.Text.Json;

namespace Sluice.LoadTools.Report;

/// <summary>Reads the BenchmarkDotNet JSON reports (<c>*-report-full-compressed.json</c>) of the micro-benchmark run.</summary>
internal static class MicroBenchmarks
{
    public static IReadOnlyList<MicroResult> Read(string? resultsDirectory)
    {
        if (resultsDirectory is null || !Directory.Exists(resultsDirectory))
        {
            return [];
        }

        var results = new List<MicroResult>();
        foreach (var file in Directory.EnumerateFiles(resultsDirectory, "*-report-full-compressed.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var benchmark in json.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                if (!benchmark.TryGetProperty("Statistics", out var statistics) || statistics.ValueKind != JsonValueKind.Object)
                {
                    continue; // a benchmark that failed has no statistics
                }

                var allocated = benchmark.TryGetProperty("Memory", out var memory) && memory.ValueKind == JsonValueKind.Object
                    ? memory.GetProperty("BytesAllocatedPerOperation").GetDouble()
                    : double.NaN;
                results.Add(new MicroResult(
                    $"{benchmark.GetProperty("Type").GetString()}.{benchmark.GetProperty("Method").GetString()}",
                    benchmark.GetProperty("Parameters").GetString() ?? string.Empty,
                    statistics.GetProperty("Mean").GetDouble(),
                    allocated));
            }
        }

        return results;
    }
}
