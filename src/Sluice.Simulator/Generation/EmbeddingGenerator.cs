namespace Sluice.Simulator.Generation;

/// <summary>Deterministic unit-length vectors: the same input always maps to the same vector.</summary>
internal static class EmbeddingGenerator
{
    public static void Fill(ulong seed, Span<float> vector)
    {
        var random = new SplitMix64(seed);
        double sumOfSquares = 0;
        for (int i = 0; i < vector.Length; i++)
        {
            // The sum of two uniforms leans towards 0, a little like real embedding components.
            double value = (random.NextSigned() + random.NextSigned()) * 0.5;
            vector[i] = (float)value;
            sumOfSquares += value * value;
        }

        if (sumOfSquares == 0)
        {
            vector[0] = 1f;
            return;
        }

        float scale = (float)(1.0 / Math.Sqrt(sumOfSquares));
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }
    }
}
