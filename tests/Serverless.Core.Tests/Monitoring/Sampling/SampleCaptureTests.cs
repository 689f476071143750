using System.Text;
using System.Text.Json;
using Serverless.Core.Monitoring.Sampling;

namespace Serverless.Core.Tests.Monitoring.Sampling;

public sealed class SampleCaptureTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 3, 0, TimeSpan.Zero);

    private static List<PredictionSample> Capture(string request, string response)
    {
        using var document = JsonDocument.Parse(request);
        return SampleCapture.FromInference(PredictionSamplerTests.Version, document.RootElement, Encoding.UTF8.GetBytes(response), Now);
    }

    [Fact]
    public void FromInference_ColumnInputs_SplitIntoRowsWithTheirOutputs()
    {
        const string request = """
            {"inputs": [
              {"name": "income", "shape": [3, 1], "datatype": "FP32", "data": [[10], [20], [30]]},
              {"name": "city", "shape": [3], "datatype": "BYTES", "data": ["a", "b", "c"]}]}
            """;
        const string response = """
            {"model_name": "loans", "model_version": "3", "parameters": {"prediction_id": "p"}, "outputs": [
              {"name": "label", "shape": [3], "datatype": "BOOL", "data": [true, false, true]},
              {"name": "probability", "shape": [3, 2], "datatype": "FP32", "data": [0.1, 0.9, 0.8, 0.2, 0.3, 0.7]},
              {"name": "summary", "shape": [1], "datatype": "FP32", "data": [5]}]}
            """;

        var samples = Capture(request, response);

        Assert.Equal(["p.0", "p.1", "p.2"], samples.Select(s => s.PredictionId));
        Assert.Equal(20, samples[1].Inputs.GetProperty("income").GetDouble());
        Assert.Equal("b", samples[1].Inputs.GetProperty("city").GetString());
        Assert.False(samples[1].Outputs.GetProperty("label").GetBoolean());
        Assert.Equal([0.8, 0.2], samples[1].Outputs.GetProperty("probability").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 3)));
        Assert.False(samples[1].Outputs.TryGetProperty("summary", out _));
        Assert.All(samples, s => Assert.Equal(Now, s.Time));
    }

    [Fact]
    public void FromInference_OneRow_KeepsTheAnswersPredictionId()
    {
        var samples = Capture(
            """{"inputs": [{"name": "x", "shape": [1, 1], "datatype": "FP32", "data": [1.5]}]}""",
            """{"parameters": {"prediction_id": "p"}, "outputs": [{"name": "y", "shape": [1, 1], "data": [2]}]}""");

        Assert.Equal("p", Assert.Single(samples).PredictionId);
    }

    [Theory]
    [InlineData("""{"inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6]}]}""")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [2], "datatype": "FP32", "data": [1, 2]}, {"name": "z", "shape": [3], "datatype": "FP32", "data": [1, 2, 3]}]}""")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 2, 2], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""")]
    public void FromInference_InputsNotColumns_SamplesNothing(string request)
    {
        Assert.Empty(Capture(request, """{"parameters": {"prediction_id": "p"}, "outputs": []}"""));
    }
}
