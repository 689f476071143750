using System.Text;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Batch;

/// <summary>A text feature: the cells' UTF-8 bytes end to end, copied into ONNX Runtime's string tensor element by element.</summary>
internal sealed class StringFeatureBuffer(int capacity) : FeatureBuffer
{
    private readonly int[] _ends = new int[capacity];
    private byte[] _bytes = new byte[Math.Max(16, capacity * 8)];

    /// <inheritdoc/>
    public override string Expected => "text";

    /// <inheritdoc/>
    public override bool TryAdd(ReadOnlySpan<byte> utf8)
    {
        int start = Count == 0 ? 0 : _ends[Count - 1];
        if (start + utf8.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, start + utf8.Length));
        }

        utf8.CopyTo(_bytes.AsSpan(start));
        _ends[Count++] = start + utf8.Length;
        return true;
    }

    /// <inheritdoc/>
    public override bool TryAdd(object cell) => TryAdd(Encoding.UTF8.GetBytes(TabularReader.Text(cell) ?? string.Empty));

    /// <inheritdoc/>
    public override void Truncate(int count) => Count = count;

    /// <inheritdoc/>
    public override OrtValue ToTensor(int start, int count, long[] shape)
    {
        var tensor = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        try
        {
            for (int i = 0; i < count; i++)
            {
                int row = start + i;
                int from = row == 0 ? 0 : _ends[row - 1];
                tensor.StringTensorSetElementAt(_bytes.AsSpan(from, _ends[row] - from), i);
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }
}
