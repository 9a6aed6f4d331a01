namespace Sluice.Simulator.Generation;

/// <summary>
/// FNV-1a (64-bit): a hash that is the same in every process and on every machine, unlike
/// <see cref="string.GetHashCode()"/>, so the same prompt always seeds the same answer.
/// </summary>
internal static class StableHash
{
    public const ulong Initial = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Append(ulong hash, ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }

    public static ulong Append(ulong hash, int value)
    {
        uint bits = unchecked((uint)value);
        for (int i = 0; i < 4; i++)
        {
            hash = (hash ^ (bits & 0xFF)) * Prime;
            bits >>= 8;
        }

        return hash;
    }

    /// <summary>Marks a boundary (between messages, roles and contents) so "ab"+"c" and "a"+"bc" differ.</summary>
    public static ulong AppendSeparator(ulong hash) => (hash ^ 0x1F) * Prime;
}
