using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Explanations;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Tests.Explanations;

public sealed class ExplanationSettingsAndBackgroundTests
{
    private static readonly double[] References = [1.5, 2.5, 3.5];

    [Theory]
    [InlineData("Explanations:BackgroundRows", "0", "Explanations__BackgroundRows")]
    [InlineData("Explanations:KernelBackgroundRows", "500", "Explanations__KernelBackgroundRows")]
    [InlineData("Explanations:KernelSamples", "3", "Explanations__KernelSamples")]
    [InlineData("Explanations:MaxRows", "0", "Explanations__MaxRows")]
    [InlineData("Explanations:MaxRunTime", "00:00:00", "Explanations__MaxRunTime")]
    [InlineData("Explanations:MaxRunTime", "01:00:00", "Explanations__MaxRunTime")]
    public async Task StartAsync_BadExplanationSetting_StopsStartUpNamingIt(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddExplanations(builder.Configuration);
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Draw_SameBaseline_SameRowsFromItsReferencesAndCategoriesWithoutTheGroupedRest()
    {
        var baseline = new MonitoringBaseline(
            "m",
            3,
            "binary",
            "test",
            [
                new FeatureBaseline("x", "numeric", 0, 2.0),
                new FeatureBaseline("k", "categorical", 0, Frequencies: new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 0.3, ["__other__"] = 0.2 }),
                new FeatureBaseline("n", "numeric", 0, 7.6),
            ],
            null,
            DateTimeOffset.UnixEpoch,
            new Dictionary<string, IReadOnlyList<double>> { ["x"] = References });
        (string, TensorElementType)[] inputs = [("x", TensorElementType.Float), ("k", TensorElementType.String), ("n", TensorElementType.Int64)];

        var first = BackgroundSample.Draw(baseline, inputs, 300);
        var second = BackgroundSample.Draw(baseline, inputs, 300);

        Assert.Equal(first.Select(r => r.GetRawText()), second.Select(r => r.GetRawText()));
        Assert.All(first, r => Assert.Contains(r.GetProperty("x").GetDouble(), References));
        Assert.Equal(["a", "b"], first.Select(r => r.GetProperty("k").GetString()).Distinct().Order());
        Assert.All(first, r => Assert.Equal(8, r.GetProperty("n").GetInt64()));
        Assert.Contains("version 3's training baseline", BackgroundSample.Describe(baseline, 300), StringComparison.Ordinal);
    }

    [Fact]
    public void Draw_BaselineLacksAnInput_SaysWhich()
    {
        var baseline = new MonitoringBaseline("m", 1, "binary", "test", [new FeatureBaseline("x", "numeric", 0, 1.0)], null, DateTimeOffset.UnixEpoch);

        var refused = Assert.Throws<ExplanationUnavailableException>(() => BackgroundSample.Draw(baseline, [("y", TensorElementType.Float)], 10));

        Assert.Contains("no feature 'y'", refused.Message, StringComparison.Ordinal);
    }
}
