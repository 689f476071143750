using System.Buffers;
using System.Globalization;

namespace Serverless.Core.Serving.Protocol;

/// <summary>
/// A response buffer that refuses to grow past <see cref="ServingOptions.MaxResponseBytes"/>: writing fails as soon as
/// the response would be larger, before it has been built whole.
/// </summary>
internal sealed class BoundedBufferWriter(long limit, int initialCapacity) : IBufferWriter<byte>
{
    private readonly ArrayBufferWriter<byte> _inner = new(initialCapacity);

    /// <summary>What has been written.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _inner.WrittenMemory;

    public void Advance(int count)
    {
        if (_inner.WrittenCount + (long)count > limit)
        {
            throw new RequestLimitExceededException(string.Create(
                CultureInfo.InvariantCulture,
                $"The response would be larger than the {limit} bytes one response may have (Serving__MaxResponseBytes): send less data per request, or ask for fewer outputs."));
        }

        _inner.Advance(count);
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);
}
