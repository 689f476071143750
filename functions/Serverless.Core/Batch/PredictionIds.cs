using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Serverless.Core.Batch;

/// <summary>
/// Prediction ids for a chunk's rows: UUIDs version 7 (RFC 9562: the Unix time in milliseconds, then random bits), as
/// <see cref="Guid.CreateVersion7()"/> makes them, but with the random bits of all the chunk's ids drawn in one call
/// instead of one call per row.
/// </summary>
internal sealed class PredictionIds
{
    private readonly byte[] _random;
    private readonly long _milliseconds;
    private int _next;

    /// <summary>Ids for <paramref name="count"/> rows, stamped with <paramref name="now"/>.</summary>
    public PredictionIds(int count, DateTimeOffset now)
    {
        _random = new byte[Math.Max(1, count) * 10];
        RandomNumberGenerator.Fill(_random);
        _milliseconds = now.ToUnixTimeMilliseconds();
    }

    /// <summary>The next id.</summary>
    public Guid Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, _milliseconds << 16);
        var random = _random.AsSpan(_next++ * 10 % _random.Length, 10);
        random.CopyTo(bytes[6..]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
