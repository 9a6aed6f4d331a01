using System.Buffers;
using BenchmarkDotNet.Attributes;
using Sluice.Forwarding;
using Sluice.Model;

namespace Sluice.Benchmarks;

/// <summary>
/// <see cref="RequestBodyPatcher.Patch"/> for a <c>modelNameOverride</c> and for a body mutation (set one field,
/// remove one). The output buffer is reused, as the gateway's pooled one is, so only the patcher's own
/// allocations show.
/// </summary>
[MemoryDiagnoser]
public class RequestBodyPatcherBenchmarks
{
    private static readonly BodyMutationModel Mutation = new(
        [new KeyValuePair<string, byte[]>("temperature", "0.7"u8.ToArray())],
        ["stream"]);

    private readonly ArrayBufferWriter<byte> _output = new(256 * 1024);
    private byte[] _body = [];

    [Params(BodySize.Small, BodySize.Large100KB)]
    public BodySize Size { get; set; }

    [GlobalSetup]
    public void Setup() => _body = RequestBodies.Create(Size);

    [Benchmark]
    public int ModelOverride()
    {
        _output.ResetWrittenCount();
        RequestBodyPatcher.Patch(_body, "gpt-4o-mini-2024-07-18", BodyMutationModel.Empty, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int SetAndRemoveFields()
    {
        _output.ResetWrittenCount();
        RequestBodyPatcher.Patch(_body, null, Mutation, _output);
        return _output.WrittenCount;
    }
}
