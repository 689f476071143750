using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving;

/// <summary>The serving request counter and latency histogram, recorded by the inference service on Azurite.</summary>
public sealed class ServingMetricsTests
{
    private const string InferBody = """
        {"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}, {"name": "b", "shape": [2], "datatype": "FP32", "data": [10, 20]}]}
        """;

    /// <summary>The serving services on the test storage, with meters of their own (so no other test's requests are seen).</summary>
    private sealed class Serving : IDisposable
    {
        private readonly ServiceProvider _services;

        private Serving(ServiceProvider services)
        {
            _services = services;
            var meters = services.GetRequiredService<IMeterFactory>();
            Requests = new MetricCollector<long>(meters, ServingMetrics.MeterName, ServingMetrics.RequestsName);
            Durations = new MetricCollector<double>(meters, ServingMetrics.MeterName, ServingMetrics.DurationName);
            Inference = services.GetRequiredService<InferenceService>();
            Registry = services.GetRequiredService<ModelRegistry>();
        }

        public MetricCollector<long> Requests { get; }

        public MetricCollector<double> Durations { get; }

        public InferenceService Inference { get; }

        public ModelRegistry Registry { get; }

        public static async Task<Serving> StartAsync()
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = await TestStorage.GetConnectionStringAsync(),
                ["Monitoring:SampleRate"] = "0",
            }).Build();
            var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
            services.AddServerlessCore(configuration);
            return new Serving(services.BuildServiceProvider());
        }

        public void Dispose()
        {
            Requests.Dispose();
            Durations.Dispose();
            _services.Dispose();
        }
    }

    private static string NewName() => "metrics-" + Guid.NewGuid().ToString("N")[..12];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static void AssertTags(IReadOnlyDictionary<string, object?> tags, string model, string version, string protocol, string outcome)
    {
        Assert.Equal(model, tags["model"]);
        Assert.Equal(version, tags["version"]);
        Assert.Equal(protocol, tags["protocol"]);
        Assert.Equal(outcome, tags["outcome"]);
    }

    [Fact]
    public async Task InferAsync_Answered_CountedOkAndTimedWithModelVersionAndProtocol()
    {
        using var serving = await Serving.StartAsync();
        string name = NewName();
        await serving.Registry.RegisterAsync(name, OnnxModelBuilder.Add(2), new RegistrationMetadata("tests"), CancellationToken.None);

        await serving.Inference.InferAsync(name, "1", Utf8(InferBody), CancellationToken.None);

        var request = Assert.Single(serving.Requests.GetMeasurementSnapshot());
        Assert.Equal(1, request.Value);
        AssertTags(request.Tags, name, "1", "v2", "ok");
        var duration = Assert.Single(serving.Durations.GetMeasurementSnapshot());
        Assert.True(duration.Value > 0);
        AssertTags(duration.Tags, name, "1", "v2", "ok");
    }

    [Fact]
    public async Task InferAsync_BodyNotJson_CountedClientErrorWithTheResolvedVersion()
    {
        using var serving = await Serving.StartAsync();
        string name = NewName();
        await serving.Registry.RegisterAsync(name, OnnxModelBuilder.Add(2), new RegistrationMetadata("tests"), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidInferenceRequestException>(() => serving.Inference.InferAsync(name, "1", Utf8("{not json"), CancellationToken.None));

        AssertTags(Assert.Single(serving.Requests.GetMeasurementSnapshot()).Tags, name, "1", "v2", "client_error");
        AssertTags(Assert.Single(serving.Durations.GetMeasurementSnapshot()).Tags, name, "1", "v2", "client_error");
    }

    [Fact]
    public async Task PredictAsync_UnknownModel_CountedClientErrorWithEmptyVersion()
    {
        using var serving = await Serving.StartAsync();
        string name = NewName();

        await Assert.ThrowsAsync<ModelNotFoundException>(() => serving.Inference.PredictAsync(name, null, null, Utf8("""{"rows": [{"a": 1}]}"""), CancellationToken.None));

        AssertTags(Assert.Single(serving.Requests.GetMeasurementSnapshot()).Tags, name, "", "records", "client_error");
    }

    [Fact]
    public async Task PredictAsync_NameTheRegistryRefuses_CountedWithEmptyModel()
    {
        using var serving = await Serving.StartAsync();

        await Assert.ThrowsAsync<InvalidRegistryArgumentException>(() => serving.Inference.PredictAsync("no/such name", null, null, Utf8("{}"), CancellationToken.None));

        AssertTags(Assert.Single(serving.Requests.GetMeasurementSnapshot()).Tags, "", "", "records", "client_error");
    }

    [Fact]
    public void IsClientError_PlatformFaultsAndCancellation_ServerErrorUnlessTheCallerCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(ServingMetrics.IsClientError(new ModelLoadException("broken"), CancellationToken.None));
        Assert.False(ServingMetrics.IsClientError(new InvalidOperationException(), CancellationToken.None));
        Assert.False(ServingMetrics.IsClientError(new OperationCanceledException(), CancellationToken.None));
        Assert.True(ServingMetrics.IsClientError(new OperationCanceledException(), cancelled.Token));
        Assert.True(ServingMetrics.IsClientError(new RequestLimitExceededException("too big"), CancellationToken.None));
    }
}
