using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Serverless.Core.Governance.Identity;

/// <summary>The function keys the app accepts (<see cref="AuthOptions.FunctionKeys"/>), compared in constant time.</summary>
public sealed class FunctionKeySet
{
    /// <summary>The shortest key accepted: a short key could be guessed.</summary>
    public const int MinimumKeyLength = 16;

    // Digests, so that every comparison is of equal length and takes the same time whatever was presented.
    private readonly byte[][] _digests;

    /// <summary>Reads the keys from the validated settings.</summary>
    public FunctionKeySet(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _digests = [.. Split(options.Value.FunctionKeys).Select(Digest)];
    }

    /// <summary>Whether any key is configured; without one, no caller is admitted on a key.</summary>
    public bool Any => _digests.Length > 0;

    /// <summary>Whether <paramref name="presented"/> is one of the keys.</summary>
    public bool Accepts(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        byte[] digest = Digest(presented);
        bool match = false;
        foreach (byte[] key in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, key);
        }

        return match;
    }

    /// <summary>The keys in a comma-separated setting, trimmed, empty entries left out.</summary>
    public static string[] Split(string? keys) =>
        (keys ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
