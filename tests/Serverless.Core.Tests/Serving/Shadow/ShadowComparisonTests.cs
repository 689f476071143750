using System.Text;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Shadow;

namespace Serverless.Core.Tests.Serving.Shadow;

public sealed class ShadowComparisonTests
{
    private static ReadOnlyMemory<byte> Utf8(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public void Compare_RecordsWithLabelsAndProbabilities_PerRowAgreementAndProbabilityDifference()
    {
        var main = Utf8("""{"model_name":"m","model_version":"1","predictions":[{"prediction_id":"p1","label":true,"probabilities":{"false":0.2,"true":0.8}},{"prediction_id":"p2","label":false,"probabilities":{"false":0.6,"true":0.4}}]}""");
        var shadow = Utf8("""{"model_name":"m","model_version":"2","predictions":[{"prediction_id":"s1","label":true,"probabilities":{"false":0.3,"true":0.7}},{"prediction_id":"s2","label":true,"probabilities":{"false":0.4,"true":0.6}}]}""");

        var outcomes = ShadowComparison.Compare(ServingMetrics.Records, main, shadow);

        Assert.Equal(["p1", "p2"], outcomes.Select(o => o.PredictionId));
        Assert.Equal([true, false], outcomes.Select(o => o.Agreed));
        Assert.Equal(0.1, outcomes[0].ScoreDifference!.Value, 9);
        Assert.Equal(0.2, outcomes[1].ScoreDifference!.Value, 9);
        Assert.Equal("""{"label":true,"probabilities":{"false":0.3,"true":0.7}}""", outcomes[0].ShadowOutputs);
    }

    [Fact]
    public void Compare_RecordsOfARegressor_NoAgreementValueDifference()
    {
        var main = Utf8("""{"predictions":[{"prediction_id":"p1","value":3.5}]}""");
        var shadow = Utf8("""{"predictions":[{"prediction_id":"s1","value":2.5}]}""");

        var outcome = Assert.Single(ShadowComparison.Compare(ServingMetrics.Records, main, shadow));

        Assert.Null(outcome.Agreed);
        Assert.Equal(1.0, outcome.ScoreDifference);
    }

    [Fact]
    public void Compare_InferenceWithLabelAndProbability_OnePredictionScoredOnTheProbabilityOnly()
    {
        var main = Utf8("""{"model_name":"m","model_version":"1","parameters":{"prediction_id":"p1"},"outputs":[{"name":"PredictedLabel.output","datatype":"BOOL","shape":[2,1],"data":[true,false]},{"name":"Score.output","datatype":"FP32","shape":[2,1],"data":[5,-5]},{"name":"Probability.output","datatype":"FP32","shape":[2,1],"data":[0.9,0.1]}]}""");
        var shadow = Utf8("""{"model_name":"m","model_version":"2","parameters":{"prediction_id":"s1"},"outputs":[{"name":"PredictedLabel.output","datatype":"BOOL","shape":[2,1],"data":[true,false]},{"name":"Score.output","datatype":"FP32","shape":[2,1],"data":[1,-1]},{"name":"Probability.output","datatype":"FP32","shape":[2,1],"data":[0.7,0.2]}]}""");

        var outcome = Assert.Single(ShadowComparison.Compare(ServingMetrics.OpenInference, main, shadow));

        Assert.Equal("p1", outcome.PredictionId);
        Assert.True(outcome.Agreed);
        Assert.Equal(0.15, outcome.ScoreDifference!.Value, 6);
    }

    [Fact]
    public void Compare_InferenceLabelsDiffer_NotAgreed()
    {
        var main = Utf8("""{"parameters":{"prediction_id":"p1"},"outputs":[{"name":"label","datatype":"INT64","shape":[2],"data":[1,2]}]}""");
        var shadow = Utf8("""{"parameters":{"prediction_id":"s1"},"outputs":[{"name":"label","datatype":"INT64","shape":[2],"data":[1,3]}]}""");

        var outcome = Assert.Single(ShadowComparison.Compare(ServingMetrics.OpenInference, main, shadow));

        Assert.False(outcome.Agreed);
        Assert.Null(outcome.ScoreDifference);
    }

    [Fact]
    public void Compare_ShadowAnsweredFewerRows_Throws()
    {
        var main = Utf8("""{"predictions":[{"prediction_id":"p1","value":1},{"prediction_id":"p2","value":1}]}""");
        var shadow = Utf8("""{"predictions":[{"prediction_id":"s1","value":1}]}""");

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => ShadowComparison.Compare(ServingMetrics.Records, main, shadow));
    }
}
