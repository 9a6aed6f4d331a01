namespace Sluice.Simulator.Generation;

/// <summary>SplitMix64: a tiny, fast, fully specified pseudo-random generator (stable across .NET versions).</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive) => (int)((Next() >> 33) % (ulong)maxExclusive);

    /// <summary>A value in [minInclusive, maxInclusive].</summary>
    public int NextInt(int minInclusive, int maxInclusive) => minInclusive + NextInt(maxInclusive - minInclusive + 1);

    /// <summary>A value in [-1, 1).</summary>
    public double NextSigned() => ((Next() >> 11) * (1.0 / (1UL << 53)) * 2.0) - 1.0;
}
