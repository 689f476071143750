using System.Text;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Batch;

namespace Serverless.Core.Tests.Batch;

public sealed class FeatureBufferTests
{
    private static bool Add(TensorElementType type, string text) => FeatureBuffer.Create(type, 1).TryAdd(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData(TensorElementType.Float, "1.5", true)]
    [InlineData(TensorElementType.Float, "-2e3", true)]
    [InlineData(TensorElementType.Float, "1,5", false)]
    [InlineData(TensorElementType.Float, "NaN", false)]
    [InlineData(TensorElementType.Double, "Infinity", false)]
    [InlineData(TensorElementType.Int64, "42", true)]
    [InlineData(TensorElementType.Int64, "42.0", true)]
    [InlineData(TensorElementType.Int64, "42.5", false)]
    [InlineData(TensorElementType.UInt8, "300", false)]
    [InlineData(TensorElementType.Bool, "TRUE", true)]
    [InlineData(TensorElementType.Bool, "0", true)]
    [InlineData(TensorElementType.Bool, "yes", false)]
    [InlineData(TensorElementType.String, "anything", true)]
    public void TryAdd_Text_ParsedInvariantlyIntoTheElementType(TensorElementType type, string text, bool parsed) =>
        Assert.Equal(parsed, Add(type, text));

    [Theory]
    [InlineData(TensorElementType.Float, 2.5, true)]
    [InlineData(TensorElementType.Int32, 3L, true)]
    [InlineData(TensorElementType.Int32, 3.5, false)]
    [InlineData(TensorElementType.Int8, 1000, false)]
    [InlineData(TensorElementType.Float, true, false)]
    [InlineData(TensorElementType.Bool, true, true)]
    public void TryAdd_TypedValue_ConvertedWhenItFits(TensorElementType type, object value, bool added) =>
        Assert.Equal(added, FeatureBuffer.Create(type, 1).TryAdd(value));

    [Fact]
    public void ToTensor_AfterATakenBackRow_HoldsTheKeptValuesInOrder()
    {
        var buffer = FeatureBuffer.Create(TensorElementType.String, 3);
        buffer.TryAdd("a"u8);
        buffer.TryAdd("taken back"u8);
        buffer.Truncate(1);
        buffer.TryAdd("c"u8);

        using var tensor = buffer.ToTensor(0, 2, [2]);

        Assert.Equal(["a", "c"], tensor.GetStringTensorAsArray());
    }
}
