using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Tests.Serving.Protocol;

public sealed class TensorCodecTests
{
    private static List<JsonElement> Read(string data, params long[] shape) =>
        TensorCodec.ReadData(JsonDocument.Parse(data).RootElement.Clone(), shape, shape.Aggregate(1L, (a, b) => a * b), "Input 'x'");

    private static string Numbers(List<JsonElement> leaves) => string.Join(",", leaves.Select(l => l.GetRawText()));

    [Theory]
    [InlineData("[1, 2, 3, 4, 5, 6]")]
    [InlineData("[[1, 2, 3], [4, 5, 6]]")]
    public void ReadData_FlatOrNestedAlongTheShape_ReadsRowMajor(string data) =>
        Assert.Equal("1,2,3,4,5,6", Numbers(Read(data, 2, 3)));

    [Fact]
    public void ReadData_NestedOnlyAlongTheLeadingDimensions_ReadsRowMajor() =>
        Assert.Equal("1,2,3,4,5,6,7,8", Numbers(Read("[[1, 2, 3, 4], [5, 6, 7, 8]]", 2, 2, 2)));

    [Theory]
    [InlineData("[[1, 2, 3], [4]]", "data[0] has 3 values, but shape [2, 2] needs 2")]
    [InlineData("[[1, 2], [3, 4], [5, 6]]", "data has 3 arrays, but dimension 0 of shape [2, 2] is 2")]
    [InlineData("[[1, 2], 3, 4]", "data has 3 arrays")]
    [InlineData("[[1, 2], 3]", "mixes arrays and values")]
    [InlineData("[1, 2, [3, 4]]", "data has 3 values, but shape [2, 2] needs 4")]
    [InlineData("[1, 2, 3, [4]]", "mixes arrays and values")]
    [InlineData("[[[1, 2]], [[3, 4]]]", "data[0] has 1 arrays, but dimension 1 of shape [2, 2] is 2")]
    [InlineData("[1, 2, 3]", "data has 3 values, but shape [2, 2] needs 4")]
    [InlineData("7", "needs 'data': an array of 4 values")]
    public void ReadData_NotMatchingTheShape_SaysWhere(string data, string expected)
    {
        var refused = Assert.Throws<InvalidInferenceRequestException>(() => Read(data, 2, 2));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("Input 'x'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadData_TooDeep_IsRefused()
    {
        var refused = Assert.Throws<InvalidInferenceRequestException>(() => Read("[[[1]], [[2]]]", 2, 1));

        Assert.Contains("nested deeper than shape [2, 1]", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateTensor_FloatsWithNonFiniteStrings_HoldsTheValues()
    {
        var values = Read("[1.5, \"NaN\", \"Infinity\", \"-Infinity\"]", 4);

        using var tensor = TensorCodec.CreateTensor(TensorElementType.Float, [4], values, "Input 'x'");

        var read = tensor.GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(1.5f, read[0]);
        Assert.True(float.IsNaN(read[1]));
        Assert.Equal([float.PositiveInfinity, float.NegativeInfinity], read[2..]);
    }

    [Theory]
    [InlineData(TensorElementType.Int8, "[128]", "not a valid INT8")]
    [InlineData(TensorElementType.Int32, "[1.5]", "not a valid INT32")]
    [InlineData(TensorElementType.Bool, "[1]", "use true or false")]
    [InlineData(TensorElementType.Float, "[\"nan\"]", "not a valid FP32")]
    [InlineData(TensorElementType.Float, "[1e39]", "not a valid FP32")]
    [InlineData(TensorElementType.String, "[1]", "use a JSON string")]
    public void CreateTensor_ValueNotOfTheDatatype_SaysWhichAndHow(TensorElementType type, string data, string expected)
    {
        var refused = Assert.Throws<InvalidInferenceRequestException>(() => TensorCodec.CreateTensor(type, [1], Read(data, 1), "Input 'x'").Dispose());

        Assert.Contains("value 0", refused.Message, StringComparison.Ordinal);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteOutput_FloatTensor_WritesShapeAndNonFiniteValuesAsStrings()
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(new[] { 0.1f, float.NaN, float.NegativeInfinity, 3 }, [2, 2]);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            TensorCodec.WriteOutput(writer, "y", tensor);
        }

        Assert.Equal(
            """{"name":"y","datatype":"FP32","shape":[2,2],"data":[0.1,"NaN","-Infinity",3]}""",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
