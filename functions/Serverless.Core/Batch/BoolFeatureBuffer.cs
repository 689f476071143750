using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Batch;

/// <summary>A boolean feature: <c>true</c>/<c>false</c> (any case) or <c>1</c>/<c>0</c>.</summary>
internal sealed class BoolFeatureBuffer(int capacity) : FeatureBuffer
{
    private readonly bool[] _values = new bool[capacity];

    /// <inheritdoc/>
    public override string Expected => "true or false";

    /// <inheritdoc/>
    public override bool TryAdd(ReadOnlySpan<byte> utf8)
    {
        bool? value = Ascii.EqualsIgnoreCase(utf8, "true"u8) || utf8.SequenceEqual("1"u8) ? true
            : Ascii.EqualsIgnoreCase(utf8, "false"u8) || utf8.SequenceEqual("0"u8) ? false
            : null;
        if (value is not bool flag)
        {
            return false;
        }

        _values[Count++] = flag;
        return true;
    }

    /// <inheritdoc/>
    public override bool TryAdd(object cell) => cell switch
    {
        bool flag => TryAdd(flag ? "true"u8 : "false"u8),
        string text => TryAdd(Encoding.UTF8.GetBytes(text.Trim())),
        _ => false,
    };

    /// <inheritdoc/>
    public override void Truncate(int count) => Count = count;

    /// <inheritdoc/>
    public override OrtValue ToTensor(int start, int count, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<bool>(_values, start, count), shape);
}
