using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Protocol;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving.Protocol;

public sealed class RecordsCodecTests
{
    private static List<JsonElement> Rows(string json) => [.. JsonDocument.Parse(json).RootElement.Clone().EnumerateArray()];

    [Fact]
    public void ReadInputs_OpenFirstDimension_BatchesEveryRowIntoOneTensor()
    {
        using var model = ServingTestModels.Load(OnnxModelBuilder.Identity(TensorElementType.Float, -1, 3));
        var rows = Rows("""[{"x": [1, 2, 3]}, {"x": [4, 5, 6]}]""");

        var batch = Assert.Single(RecordsCodec.Batches(model, rows));
        var inputs = RecordsCodec.ReadInputs(model, batch);

        var tensor = Assert.Single(inputs);
        Assert.Equal([2L, 3L], tensor.GetTensorTypeAndShape().Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], tensor.GetTensorDataAsSpan<float>().ToArray());
        inputs.ForEach(i => i.Dispose());
    }

    [Fact]
    public void Batches_FixedFirstDimensionOfOne_RunsRowByRow()
    {
        using var model = ServingTestModels.Load(OnnxModelBuilder.Identity(TensorElementType.Float, 1, 2));

        var batches = RecordsCodec.Batches(model, Rows("""[{"x": [1, 2]}, {"x": [3, 4]}, {"x": [5, 6]}]""")).ToList();

        Assert.Equal([1, 1, 1], batches.Select(b => b.Count));
    }

    [Theory]
    [InlineData("""[{"x": [1, 2, 3], "z": 1}]""", "Row 0 has feature 'z', which the model does not take")]
    [InlineData("""[{"x": [1, 2, 3]}, 5]""", "Row 1 is not an object")]
    public void Batches_RowsNotFittingTheModel_SayWhich(string rows, string expected)
    {
        using var model = ServingTestModels.Load(OnnxModelBuilder.Identity(TensorElementType.Float, -1, 3));

        var refused = Assert.Throws<InvalidInferenceRequestException>(() => RecordsCodec.Batches(model, Rows(rows)));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"y": 1}]""", "Row 0 lacks feature 'x'")]
    [InlineData("""[{"x": [1, 2, 3]}, {"x": [1, 2]}]""", "Feature 'x' has 2 values in row 1 but 3 in row 0")]
    [InlineData("""[{"x": [1, 2]}]""", "Feature 'x' has 2 value(s) per row, but the model takes 3")]
    [InlineData("""[{"x": [1, "a", 3]}]""", "not a valid FP32")]
    public void ReadInputs_FeaturesNotFittingTheModel_SayWhich(string rows, string expected)
    {
        using var model = ServingTestModels.Load(OnnxModelBuilder.Identity(TensorElementType.Float, -1, 3));

        var refused = Assert.Throws<InvalidInferenceRequestException>(() => RecordsCodec.ReadInputs(model, Rows(rows)));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WritePredictions_ModelWithoutLabelOrProbabilities_WritesEachRowsValue()
    {
        using var model = ServingTestModels.Load(OnnxModelBuilder.Identity(TensorElementType.Float, -1, 2));
        var rows = Rows("""[{"x": [1, 2]}, {"x": [3, 4]}]""");
        var inputs = RecordsCodec.ReadInputs(model, rows);
        using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var results = model.Session.Run(runOptions, model.RecordsPlan.InputNames, inputs, model.RecordsPlan.Roles.Outputs);
        var buffer = new ArrayBufferWriter<byte>();
        int id = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            RecordsCodec.WritePredictions(writer, model, [.. results], rows.Count, () => $"p{id++}");
            writer.WriteEndArray();
        }

        Assert.Equal("""[{"prediction_id":"p0","value":[1,2]},{"prediction_id":"p1","value":[3,4]}]""", Encoding.UTF8.GetString(buffer.WrittenSpan));
        inputs.ForEach(i => i.Dispose());
    }
}
