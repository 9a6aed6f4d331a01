using BenchmarkDotNet.Attributes;
using Sluice.Routing;

namespace Sluice.Benchmarks;

/// <summary>Model extraction: <see cref="RequestFieldsReader.TryRead"/> must cost the same allocations at 100 KB as at 100 B.</summary>
[MemoryDiagnoser]
public class RequestFieldsBenchmarks
{
    private byte[] _body = [];

    [Params(BodySize.Small, BodySize.Large100KB)]
    public BodySize Size { get; set; }

    [GlobalSetup]
    public void Setup() => _body = RequestBodies.Create(Size);

    [Benchmark]
    public string TryRead()
    {
        var error = RequestFieldsReader.TryRead(_body, out var fields);
        return error == RequestFieldsError.None ? fields.Model : throw new InvalidOperationException(error.ToString());
    }
}
