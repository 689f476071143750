using System.Buffers;
using System.Security.Cryptography;

namespace Serverless.Core.Registry;

/// <summary>Copies a stream while computing its SHA-256, so that an artifact is never held whole in memory.</summary>
internal static class HashingCopy
{
    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="target"/>; returns the lower-case hex SHA-256 and the length,
    /// or null as soon as more than <paramref name="maxBytes"/> have arrived (the copy stops there).
    /// </summary>
    public static async Task<(string Sha256, long Length)?> CopyAsync(Stream source, Stream target, long maxBytes, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    return null;
                }

                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
