using System.Globalization;
using System.Numerics;
using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Batch;

/// <summary>A numeric feature: floating-point values must be finite, integers whole and within the type's range.</summary>
/// <typeparam name="T">The input's element type.</typeparam>
internal sealed class NumberFeatureBuffer<T>(int capacity) : FeatureBuffer
    where T : unmanaged, INumber<T>, IMinMaxValue<T>
{
    private static readonly bool Floating = typeof(T) == typeof(float) || typeof(T) == typeof(double);

    private readonly T[] _values = new T[capacity];

    /// <inheritdoc/>
    public override string Expected => Floating ? "a number" : "an integer";

    /// <inheritdoc/>
    public override bool TryAdd(ReadOnlySpan<byte> utf8)
    {
        // An integer written as 3.0 or 3e2 is still whole, so integers take the float syntax too; 3.5 does not parse.
        if (!T.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out T value) || (Floating && !T.IsFinite(value)))
        {
            return false;
        }

        _values[Count++] = value;
        return true;
    }

    /// <inheritdoc/>
    public override bool TryAdd(object cell)
    {
        if (Number(cell) is not double number
            || (!Floating && (number != Math.Floor(number) || number < double.CreateTruncating(T.MinValue) || number > double.CreateTruncating(T.MaxValue))))
        {
            return false;
        }

        T value = T.CreateSaturating(number);
        if (Floating && !T.IsFinite(value))
        {
            return false;
        }

        _values[Count++] = value;
        return true;
    }

    /// <inheritdoc/>
    public override void Truncate(int count) => Count = count;

    /// <inheritdoc/>
    public override OrtValue ToTensor(int start, int count, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<T>(_values, start, count), shape);
}
