using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.ClientAuth;

/// <summary>
/// The API keys of one policy, kept only as SHA-256 hashes. A presented key is hashed and compared with every
/// stored hash in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>), with no early exit, so the
/// time taken says nothing about which key, or how much of one, matched.
/// </summary>
internal sealed class ApiKeyTable
{
    private const int HashSize = 32;
    private const int MaxKeyLength = 8 * 1024;

    private readonly byte[] _hashes;
    private readonly string[] _clientIds;

    public ApiKeyTable(IReadOnlyList<(string ClientId, string Key)> credentials)
    {
        _hashes = new byte[credentials.Count * HashSize];
        _clientIds = new string[credentials.Count];
        for (var i = 0; i < credentials.Count; i++)
        {
            Hash(credentials[i].Key, _hashes.AsSpan(i * HashSize, HashSize));
            _clientIds[i] = credentials[i].ClientId;
        }
    }

    public int Count => _clientIds.Length;

    /// <summary>The client ID whose key is <paramref name="key"/>, or null.</summary>
    public string? Find(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty || key.Length > MaxKeyLength)
        {
            return null;
        }

        Span<byte> presented = stackalloc byte[HashSize];
        Hash(key, presented);
        string? found = null;
        for (var i = 0; i < _clientIds.Length; i++)
        {
            var match = CryptographicOperations.FixedTimeEquals(presented, _hashes.AsSpan(i * HashSize, HashSize));
            if (match && found is null)
            {
                found = _clientIds[i];
            }
        }

        return found;
    }

    public static byte[] Hash(string key)
    {
        var hash = new byte[HashSize];
        Hash(key, hash);
        return hash;
    }

    private static void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var bytes = maxBytes <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        var written = Encoding.UTF8.GetBytes(key, bytes);
        SHA256.HashData(bytes[..written], destination);
        CryptographicOperations.ZeroMemory(bytes[..written]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
