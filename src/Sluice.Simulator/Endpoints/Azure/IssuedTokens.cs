using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Sluice.Simulator.Endpoints.Azure;

/// <summary>
/// The access tokens this server's managed-identity endpoint issued, so a later request can be told it carried one
/// (x-sim-saw-credential: issued-token) without the token ever being echoed. Lookups take a span: no allocation on
/// the request path. Bounded: past <see cref="Capacity"/> tokens the set starts over.
/// </summary>
internal sealed class IssuedTokens
{
    public const int Capacity = 10_000;
    private const string Prefix = "sim-entra-";

    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public IssuedTokens()
    {
        _lookup = _tokens.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A new opaque token (random, so no two servers or runs share one).</summary>
    public string Issue()
    {
        if (_tokens.Count >= Capacity)
        {
            _tokens.Clear();
        }

        string token = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _tokens.TryAdd(token, 0);
        return token;
    }

    public bool WasIssued(ReadOnlySpan<char> token) =>
        token.StartsWith(Prefix, StringComparison.Ordinal) && _lookup.ContainsKey(token);
}
