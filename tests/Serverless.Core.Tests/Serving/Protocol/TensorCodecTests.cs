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
    private static List<JsonElement> Read(string data)
    {
        var leaves = new List<JsonElement>();
        TensorCodec.AddLeaves(JsonDocument.Parse(data).RootElement.Clone(), leaves);
        return leaves;
    }

    [Fact]
    public void CreateTensor_FloatsWithNonFiniteStrings_HoldsTheValues()
    {
        var values = Read("[1.5, \"NaN\", \"Infinity\", \"-Infinity\"]");

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
        var refused = Assert.Throws<InvalidInferenceRequestException>(() => TensorCodec.CreateTensor(type, [1], Read(data), "Input 'x'").Dispose());

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
