using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Tests.Serving.Protocol;

public sealed class TensorDecoderTests
{
    /// <summary>Decodes <paramref name="data"/> as the data of a tensor of <paramref name="shape"/>: its values as floats, or the error.</summary>
    private static (float[]? Values, string? Error) Decode(string datatype, string data, params long[] shape)
    {
        byte[] json = Encoding.UTF8.GetBytes(data);
        var reader = new Utf8JsonReader(json);
        reader.Read();
        using var values = TensorDecoder.For(datatype)!.Decode(ref reader, json, shape, shape.Aggregate(1L, (a, b) => a * b), out string? error);
        Assert.Equal(json.Length, (int)reader.BytesConsumed);
        if (values is null)
        {
            return (null, error);
        }

        using var tensor = values.CreateTensor(shape);
        Assert.Equal(shape, tensor.GetTensorTypeAndShape().Shape);
        return datatype switch
        {
            "FP32" => (tensor.GetTensorDataAsSpan<float>().ToArray(), error),
            "INT64" => ([.. tensor.GetTensorDataAsSpan<long>().ToArray().Select(v => (float)v)], error),
            _ => throw new ArgumentOutOfRangeException(nameof(datatype)),
        };
    }

    [Theory]
    [InlineData("[1, 2, 3, 4, 5, 6]")]
    [InlineData("[[1, 2, 3], [4, 5, 6]]")]
    public void Decode_FlatOrNestedAlongTheShape_ReadsRowMajor(string data) =>
        Assert.Equal([1f, 2, 3, 4, 5, 6], Decode("FP32", data, 2, 3).Values!);

    [Fact]
    public void Decode_NestedOnlyAlongTheLeadingDimensions_ReadsRowMajor() =>
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8], Decode("INT64", "[[1, 2, 3, 4], [5, 6, 7, 8]]", 2, 2, 2).Values!);

    [Theory]
    [InlineData("[[1, 2, 3], [4]]", ": data[0] has 3 values, but shape [2, 2] needs 2 there.")]
    [InlineData("[[1, 2], [3, 4], [5, 6]]", ": data has 3 arrays, but dimension 0 of shape [2, 2] is 2.")]
    [InlineData("[[1, 2], 3, 4]", ": data has 3 arrays")]
    [InlineData("[[1, 2], 3]", ": data mixes arrays and values.")]
    [InlineData("[1, 2, [3, 4]]", ": data has 3 values, but shape [2, 2] needs 4")]
    [InlineData("[1, 2, 3, [4]]", ": data mixes arrays and values.")]
    [InlineData("[[[1, 2]], [[3, 4]]]", ": data[0] has 1 arrays, but dimension 1 of shape [2, 2] is 2")]
    [InlineData("[[1, 2], [3, [4]]]", ": data[1] mixes arrays and values.")]
    [InlineData("[1, 2, 3]", ": data has 3 values, but shape [2, 2] needs 4")]
    [InlineData("[1, 2, \"x\"]", ": data has 3 values, but shape [2, 2] needs 4")]
    [InlineData("7", " needs 'data': an array of 4 values.")]
    [InlineData("{\"a\": [1, 2, 3, 4]}", " needs 'data': an array of 4 values.")]
    public void Decode_NotMatchingTheShape_SaysWhereAndTheStructureBeforeAnyValue(string data, string expected)
    {
        var (values, error) = Decode("FP32", data, 2, 2);

        Assert.Null(values);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TooDeep_IsRefused() =>
        Assert.Contains("data[0][0] is nested deeper than shape [2, 1]", Decode("FP32", "[[[1]], [[2]]]", 2, 1).Error, StringComparison.Ordinal);

    [Fact]
    public void Decode_ShapeClaimingFarMoreValuesThanTheDataHolds_RefusedByTheCount() =>
        Assert.Equal(": data has 1 values, but shape [2000000000] needs 2000000000 there.", Decode("FP32", "[1]", 2_000_000_000).Error);

    [Fact]
    public void Decode_FloatsWithNonFiniteStrings_HoldsTheValues()
    {
        var values = Decode("FP32", "[1.5, \"NaN\", \"Infinity\", \"-Infinity\"]", 4).Values!;

        Assert.Equal(1.5f, values[0]);
        Assert.True(float.IsNaN(values[1]));
        Assert.Equal([float.PositiveInfinity, float.NegativeInfinity], values[2..]);
    }

    [Theory]
    [InlineData("INT8", "[1, 128]", ": value 1 (128) is not a valid INT8: use a whole JSON number within the type's range.")]
    [InlineData("INT32", "[1.5, 2]", ": value 0 (1.5) is not a valid INT32")]
    [InlineData("BOOL", "[true, 1]", ": value 1 (1) is not a valid BOOL: use true or false.")]
    [InlineData("FP32", "[\"nan\", 1]", ": value 0 (\"nan\") is not a valid FP32")]
    [InlineData("FP32", "[1e39, 1]", ": value 0 (1e39) is not a valid FP32")]
    [InlineData("FP32", "[1, {\"a\": 2}]", ": value 1 ({\"a\": 2}) is not a valid FP32")]
    [InlineData("BYTES", "[\"a\", 1]", ": value 1 (1) is not a valid BYTES: use a JSON string.")]
    [InlineData("UINT64", "[1, -1]", ": value 1 (-1) is not a valid UINT64")]
    public void Decode_ValueNotOfTheDatatype_SaysWhichAndHow(string datatype, string data, string expected)
    {
        byte[] json = Encoding.UTF8.GetBytes(data);
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var values = TensorDecoder.For(datatype)!.Decode(ref reader, json, [2], 2, out string? error);

        Assert.Null(values);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Strings_MakeAStringTensor()
    {
        byte[] json = Encoding.UTF8.GetBytes("""["a", "h\u00e9llo", ""]""");
        var reader = new Utf8JsonReader(json);
        reader.Read();

        using var values = TensorDecoder.For("BYTES")!.Decode(ref reader, json, [3], 3, out _)!;
        using var tensor = values.CreateTensor([3]);

        Assert.Equal(["a", "h\u00e9llo", ""], Enumerable.Range(0, 3).Select(i => tensor.GetStringElement(i)));
    }

    [Fact]
    public void For_DatatypeTheProtocolDoesNotHave_IsNull() => Assert.Null(TensorDecoder.For("FP33"));
}
