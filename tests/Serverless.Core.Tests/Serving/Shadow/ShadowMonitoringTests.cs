using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Routing;
using Serverless.Core.Serving.Shadow;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving.Shadow;

/// <summary>
/// The serving services on Azurite with a shadow worker running: the shadow's answers reach the sampler beside the
/// caller's, and a records request is routed for an explanation as <c>predict</c> routes it.
/// </summary>
public sealed class ShadowMonitoringTests
{
    private const string InferBody = """
        {"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}, {"name": "b", "shape": [2], "datatype": "FP32", "data": [10, 20]}]}
        """;

    private static readonly RegistrationMetadata Author = new("tests");

    private static async Task<ServiceProvider> StartAsync(string sampleRate)
    {
        string id = Guid.NewGuid().ToString("N")[..10];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await TestStorage.GetConnectionStringAsync(),
            ["Monitoring:SampleRate"] = sampleRate,
            ["Monitoring:SampleQueue"] = "samples-" + id,
            ["Serving:ShadowTable"] = "shadow" + id,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddServerlessCore(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>A model whose versions 1 and 2 take the same inputs, production at 1.</summary>
    private static async Task<string> TwoVersionsAsync(ModelRegistry registry)
    {
        string name = "shadowmon-" + Guid.NewGuid().ToString("N")[..12];
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(2), Author, CancellationToken.None);
        await registry.RegisterAsync(name, OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2)), Author, CancellationToken.None);
        await registry.SetAliasAsync(name, InferenceService.ServingAlias, 1, "tests", CancellationToken.None);
        return name;
    }

    [Fact]
    public async Task InferAsync_AliasWithShadowAndEverySampled_ShadowAnswersSampledUnderTheSameIdsMarkedShadow()
    {
        await using var services = await StartAsync("1");
        var registry = services.GetRequiredService<ModelRegistry>();
        string name = await TwoVersionsAsync(registry);
        await registry.SetShadowAsync(name, InferenceService.ServingAlias, 2, "tests", null, CancellationToken.None);
        var worker = services.GetServices<IHostedService>().OfType<ShadowWorker>().Single();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await services.GetRequiredService<InferenceService>().InferAsync(name, null, Encoding.UTF8.GetBytes(InferBody), CancellationToken.None);

            var sampler = services.GetRequiredService<PredictionSampler>();
            var samples = new List<PredictionSample>();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (samples.Count < 4)
            {
                samples.Add(await sampler.Reader.ReadAsync(deadline.Token));
            }

            var served = samples.Where(s => !s.Shadow).ToList();
            var shadow = samples.Where(s => s.Shadow).ToList();
            Assert.Equal([1, 1], served.Select(s => s.Version));
            Assert.Equal([2, 2], shadow.Select(s => s.Version));
            Assert.Equal(served.Select(s => (s.PredictionId, s.Time)), shadow.Select(s => (s.PredictionId, s.Time)));
            Assert.Equal(served.Select(s => s.Inputs.GetRawText()), shadow.Select(s => s.Inputs.GetRawText()));
            Assert.Equal(served.Select(s => s.Outputs.GetRawText()), shadow.Select(s => s.Outputs.GetRawText()));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task RouteRecordsAsync_AliasWithCanary_EachKeyGetsTheVersionPredictWouldAndAnExplicitVersionIsNeverSplit()
    {
        await using var services = await StartAsync("0");
        var registry = services.GetRequiredService<ModelRegistry>();
        var inference = services.GetRequiredService<InferenceService>();
        string name = await TwoVersionsAsync(registry);
        await registry.SetCanaryAsync(name, InferenceService.ServingAlias, 2, 0.5, "tests", null, CancellationToken.None);
        byte[] rows = Encoding.UTF8.GetBytes("""{"rows": [{"a": 1}]}""");

        var byKey = new Dictionary<string, int>();
        for (int k = 0; k < 20; k++)
        {
            string key = "customer-" + k;
            int expected = CanaryRouter.ToCanary(name, key, 0.5) ? 2 : 1;
            Assert.Equal(expected, (await inference.RouteRecordsAsync(name, null, null, rows, key, CancellationToken.None)).Version);
            byte[] withField = Encoding.UTF8.GetBytes($$"""{"rows": [{"a": 1}], "routing_key": "{{key}}"}""");
            Assert.Equal(expected, (await inference.RouteRecordsAsync(name, null, null, withField, null, CancellationToken.None)).Version);
            byKey[key] = expected;
        }

        Assert.Equal([1, 2], byKey.Values.Distinct().Order());
        foreach (string key in byKey.Keys)
        {
            Assert.Equal(1, (await inference.RouteRecordsAsync(name, "1", null, rows, key, CancellationToken.None)).Version);
        }

        await Assert.ThrowsAsync<InvalidInferenceRequestException>(() => inference.RouteRecordsAsync(name, null, null, Encoding.UTF8.GetBytes("""{"rows": [], "routing_key": {}}"""), null, CancellationToken.None));
    }
}
