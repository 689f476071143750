using System.Net;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Monitoring;

/// <summary>Ground truth through the local runtime: feedback on sampled predictions lands on their stored samples.</summary>
public sealed class FeedbackTests(FeedbackTests.FeedbackFixture fixture) : IClassFixture<FeedbackTests.FeedbackFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>A runtime sampling every prediction into its own queue, table and container.</summary>
    public sealed class FeedbackFixture : SamplingTests.SamplingFixture
    {
        protected override IReadOnlyDictionary<string, string> Monitoring => new Dictionary<string, string> { ["Monitoring__FlushInterval"] = "00:00:00.200" };
    }

    private static string Body(IEnumerable<(string Id, object Label)> items) =>
        JsonSerializer.Serialize(new { feedback = items.Select(i => new { predictionId = i.Id, label = i.Label }) });

    [Fact]
    public async Task PostFeedback_SampledPredictions_200AndRowsCarryTheActual()
    {
        var client = fixture.Runtime.Client;
        string model = await client.RegisterNewAsync("feedback", fixture.Demo.Onnx);
        var ids = await SamplingTests.PredictAsync(client, model, requests: 1, rows: 3);
        await Eventually.GetAsync(async () => await SamplingTests.StoredAsync(fixture, model) is { Count: >= 3 } rows ? rows : null, Timeout, "3 stored samples");

        var (status, body) = await client.PostJsonAsync($"/models/{model}/feedback", Body([(ids[0], true), (ids[1], "false")]));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("recorded").GetInt32());
        Assert.Equal(0, body.GetProperty("unchanged").GetInt32());
        var stored = await SamplingTests.StoredAsync(fixture, model);
        Assert.Equal("true", stored.Single(e => e.RowKey == ids[0]).GetString("Actual"));
        Assert.Equal("\"false\"", stored.Single(e => e.RowKey == ids[1]).GetString("Actual"));
        Assert.Null(stored.Single(e => e.RowKey == ids[2]).GetString("Actual"));
        Assert.NotNull(stored.Single(e => e.RowKey == ids[0]).GetDateTimeOffset("FeedbackAt"));

        var (again, repeated) = await client.PostJsonAsync($"/models/{model}/feedback", Body([(ids[0], true)]));
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(1, repeated.GetProperty("unchanged").GetInt32());

        var (conflict, error) = await client.PostJsonAsync($"/models/{model}/feedback", Body([(ids[0], false)]));
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Contains(ids[0], error.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostFeedback_UnknownId_404NamingItAndNothingStored()
    {
        var client = fixture.Runtime.Client;
        string model = await client.RegisterNewAsync("feedback-unknown", fixture.Demo.Onnx);
        var ids = await SamplingTests.PredictAsync(client, model, requests: 1, rows: 1);
        await Eventually.GetAsync(async () => await SamplingTests.StoredAsync(fixture, model) is { Count: >= 1 } rows ? rows : null, Timeout, "1 stored sample");
        string unknown = Guid.CreateVersion7().ToString();

        var (status, body) = await client.PostJsonAsync($"/models/{model}/feedback", Body([(ids[0], true), (unknown, true)]));

        Assert.Equal(HttpStatusCode.NotFound, status);
        string error = body.GetProperty("error").GetString()!;
        Assert.Contains(unknown, error, StringComparison.Ordinal);
        Assert.Contains("Monitoring__SampleRate", error, StringComparison.Ordinal);
        Assert.Null(Assert.Single(await SamplingTests.StoredAsync(fixture, model)).GetString("Actual"));
    }

    [Theory]
    [InlineData("{\"feedback\": [{\"predictionId\": 1, \"label\": true}]}", "feedback[0].predictionId")]
    [InlineData("{\"feedback\": [{\"predictionId\": \"abc\", \"label\": true}]}", "not a prediction id")]
    [InlineData("{\"feedback\"", "not valid JSON")]
    public async Task PostFeedback_BadBody_400SayingWhatToChange(string json, string expected)
    {
        var (status, body) = await fixture.Runtime.Client.PostJsonAsync("/models/any-model/feedback", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
