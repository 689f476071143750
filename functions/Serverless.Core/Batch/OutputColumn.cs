using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Serverless.Core.Batch;

/// <summary>
/// One output column of a chunk, typed as the tensor it comes from (float, double, integer, boolean or text), one slot
/// per kept row; a row the model refused, or whose prediction lacks this column, has no value.
/// </summary>
internal sealed class OutputColumn
{
    private readonly float[]? _floats;
    private readonly double[]? _doubles;
    private readonly long[]? _longs;
    private readonly bool[]? _bools;
    private readonly string?[]? _texts;
    private readonly bool[] _present;

    /// <summary>A column of <paramref name="rows"/> slots of <paramref name="type"/> (Float, Double, Int64, Bool or String).</summary>
    public OutputColumn(string name, TensorElementType type, int rows)
    {
        Name = name;
        Type = type;
        _present = new bool[rows];
        switch (type)
        {
            case TensorElementType.Float:
                _floats = new float[rows];
                break;
            case TensorElementType.Double:
                _doubles = new double[rows];
                break;
            case TensorElementType.Int64:
                _longs = new long[rows];
                break;
            case TensorElementType.Bool:
                _bools = new bool[rows];
                break;
            default:
                Type = TensorElementType.String;
                _texts = new string?[rows];
                break;
        }
    }

    /// <summary>The column's name (<c>label</c>, <c>probability_{class}</c>, <c>value</c>).</summary>
    public string Name { get; }

    /// <summary>Float, Double, Int64, Bool or String.</summary>
    public TensorElementType Type { get; }

    /// <summary>The column type an output tensor of <paramref name="type"/> is kept as.</summary>
    public static TensorElementType TypeOf(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Double or TensorElementType.Bool or TensorElementType.String => type,
        TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Int16 or TensorElementType.Int8
            or TensorElementType.UInt32 or TensorElementType.UInt16 or TensorElementType.UInt8 => TensorElementType.Int64,
        _ => TensorElementType.String,
    };

    /// <summary>Sets a float value.</summary>
    public void Set(int row, float value)
    {
        if (_floats is not null)
        {
            _floats[row] = value;
        }
        else if (_doubles is not null)
        {
            _doubles[row] = value;
        }
        else
        {
            SetText(row, value.ToString(CultureInfo.InvariantCulture));
            return;
        }

        _present[row] = true;
    }

    /// <summary>Sets a double value.</summary>
    public void Set(int row, double value)
    {
        if (_doubles is not null)
        {
            _doubles[row] = value;
            _present[row] = true;
        }
        else
        {
            SetText(row, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Sets an integer value.</summary>
    public void Set(int row, long value)
    {
        if (_longs is not null)
        {
            _longs[row] = value;
            _present[row] = true;
        }
        else
        {
            SetText(row, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Sets a boolean value.</summary>
    public void Set(int row, bool value)
    {
        if (_bools is not null)
        {
            _bools[row] = value;
            _present[row] = true;
        }
        else
        {
            SetText(row, value ? "true" : "false");
        }
    }

    /// <summary>Sets a text value.</summary>
    public void SetText(int row, string value)
    {
        if (_texts is null)
        {
            // A column typed by the first run that another run fills with text: kept as the first run's type, this row without a value.
            return;
        }

        _texts[row] = value;
        _present[row] = true;
    }

    /// <summary>The value of <paramref name="row"/> boxed (null when it has none), for the Parquet writer.</summary>
    public object? Value(int row) => !_present[row] ? null : Type switch
    {
        TensorElementType.Float => _floats![row],
        TensorElementType.Double => _doubles![row],
        TensorElementType.Int64 => _longs![row],
        TensorElementType.Bool => _bools![row],
        _ => _texts![row],
    };

    /// <summary>Writes the value of <paramref name="row"/> as a CSV field (nothing when it has none).</summary>
    public void WriteCsv(int row, IBufferWriter<byte> output)
    {
        if (!_present[row])
        {
            return;
        }

        var span = output.GetSpan(64);
        int written;
        switch (Type)
        {
            case TensorElementType.Float:
                _floats![row].TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case TensorElementType.Double:
                _doubles![row].TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case TensorElementType.Int64:
                _longs![row].TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case TensorElementType.Bool:
                (_bools![row] ? "true"u8 : "false"u8).CopyTo(span);
                written = _bools[row] ? 4 : 5;
                break;
            default:
                CsvText.WriteField(output, _texts![row]!);
                return;
        }

        output.Advance(written);
    }
}
