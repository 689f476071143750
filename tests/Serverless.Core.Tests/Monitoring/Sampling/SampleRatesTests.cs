using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;
using Serverless.Core.Tests.Training;
using Serverless.Core.Training;
using Serverless.Core.Training.Specs;
using Serverless.Testing;

namespace Serverless.Core.Tests.Monitoring.Sampling;

public sealed class SampleRatesTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);

    private static async Task<SpecStore> SpecsAsync()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var options = new TrainingOptions { SpecTable = "specs" + Guid.NewGuid().ToString("N")[..12] };
        return new SpecStore(new TableServiceClient(connection), TimeProvider.System, Options.Create(options));
    }

    private static IOptions<MonitoringOptions> Setting(double rate) =>
        Options.Create(new MonitoringOptions { SampleRate = rate, SampleRateRefresh = Refresh });

    private static string NewModel() => "rate-" + Guid.NewGuid().ToString("N")[..12];

    private static ModelSpec WithRate(double? rate) => TestSpecs.Small() with { Monitoring = new MonitoringSpec(SampleRate: rate) };

    private static ModelVersionInfo VersionOf(string model) => PredictionSamplerTests.Version with { Name = model };

    private static async Task<double> SettledAsync(SampleRates rates, string model, double expected) =>
        await Eventually.GetAsync<double?>(() => Task.FromResult<double?>(rates.For(model) is var rate && rate == expected ? rate : null), TimeSpan.FromSeconds(30), $"rate {expected} for {model}") ?? double.NaN;

    [Fact]
    public async Task SampleRecords_SpecRateOneAndModelWithoutSpecUnderSettingZero_FirstSampledSecondNotAfterTheRead()
    {
        var specs = await SpecsAsync();
        string withSpec = NewModel();
        string withoutSpec = NewModel();
        await specs.PutAsync(withSpec, WithRate(1), "test", CancellationToken.None);
        var rates = new SampleRates(Setting(0), specs);
        using var sampler = new PredictionSampler(Setting(0), rates: rates);
        var (rows, response) = PredictionSamplerTests.Records(20);

        // Not known yet: the setting's rate answers at once and the spec is read in the background.
        Assert.Equal(0, rates.For(withSpec));
        Assert.Equal(0, rates.For(withoutSpec));
        await SettledAsync(rates, withSpec, 1);
        sampler.SampleRecords(VersionOf(withSpec), rows, response);
        sampler.SampleRecords(VersionOf(withoutSpec), rows, response);

        Assert.Equal(new SamplingStatistics(20, 0, 0, 20), sampler.GetStatistics());
        var sampled = new List<PredictionSample>();
        while (sampler.Reader.TryRead(out var sample))
        {
            sampled.Add(sample);
        }

        Assert.All(sampled, s => Assert.Equal(withSpec, s.Model));
        var known = await Eventually.GetAsync(() => Task.FromResult(rates.Known() is { Count: 2 } both ? both : null), TimeSpan.FromSeconds(30), "both models' rates");
        Assert.Equal((1.0, 0.0), (known[withSpec], known[withoutSpec]));
    }

    [Fact]
    public async Task For_SpecWithoutRate_SettingsRate()
    {
        var specs = await SpecsAsync();
        string model = NewModel();
        await specs.PutAsync(model, WithRate(null), "test", CancellationToken.None);
        var rates = new SampleRates(Setting(0.25), specs);

        rates.For(model);
        await Eventually.GetAsync<object>(() => Task.FromResult<object?>(rates.Known().ContainsKey(model) ? true : null), TimeSpan.FromSeconds(30), "the spec read");

        Assert.Equal(0.25, rates.For(model));
    }

    [Fact]
    public async Task For_SpecChangedElsewhere_OldRateUntilTheRefreshIntervalThenTheNewOne()
    {
        var specs = await SpecsAsync();
        var clock = new FakeTimeProvider();
        string model = NewModel();
        await specs.PutAsync(model, WithRate(1), "test", CancellationToken.None);
        var rates = new SampleRates(Setting(0.1), specs, clock);
        rates.For(model);
        await SettledAsync(rates, model, 1);

        // Another instance stores a new rate; this one has not read it.
        await specs.PutAsync(model, WithRate(0.5), "test", CancellationToken.None);
        clock.Advance(Refresh - TimeSpan.FromSeconds(1));
        Assert.Equal(1, rates.For(model));
        await Task.Delay(500);
        Assert.Equal(1, rates.For(model));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0.5, await SettledAsync(rates, model, 0.5));
    }

    [Fact]
    public async Task Update_SpecStoredOnThisInstance_RateAtOnce()
    {
        var specs = await SpecsAsync();
        string model = NewModel();
        await specs.PutAsync(model, WithRate(1), "test", CancellationToken.None);
        var rates = new SampleRates(Setting(0.1), specs);
        var stored = await specs.PutAsync(model, WithRate(0.75), "test", CancellationToken.None);

        rates.Update(stored);

        Assert.Equal(0.75, rates.For(model));
    }

    [Fact]
    public async Task For_StorageDown_SettingsRateAndKeepsAnswering()
    {
        // The emulator's well-known account on port 1, where nothing listens: every read fails.
        const string Down = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            "TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        var down = new TableServiceClient(Down, new TableClientOptions { Retry = { MaxRetries = 0 } });
        var specs = new SpecStore(down, TimeProvider.System, Options.Create(new TrainingOptions()));
        var rates = new SampleRates(Setting(0.3), specs);
        string model = NewModel();

        Assert.Equal(0.3, rates.For(model));
        await Eventually.GetAsync<object>(() => Task.FromResult<object?>(rates.Known().ContainsKey(model) ? true : null), TimeSpan.FromSeconds(30), "the failed read to be recorded");

        Assert.Equal(0.3, rates.For(model));
    }

    [Fact]
    public void For_NoSpecStore_SettingsRate()
    {
        var rates = new SampleRates(Setting(0.4));

        Assert.Equal(0.4, rates.For(NewModel()));
        Assert.Empty(rates.Known());
    }
}
