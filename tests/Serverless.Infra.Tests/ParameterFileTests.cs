using System.Text.Json;

namespace Serverless.Infra.Tests;

public sealed class ParameterFileTests(MainTemplateTests.CompiledMain compiled) : IClassFixture<MainTemplateTests.CompiledMain>
{
    // Flex Consumption's default regional quota, per subscription and region, shared by every Flex app there.
    private const int QuotaMemoryMB = 512_000;
    private const double QuotaCores = 250;

    [Fact]
    public async Task Scale_AllEnvironmentsInOneRegionFitTheDefaultFlexQuota()
    {
        var environments = new List<(string File, string Location, int MemoryMB, double Cores)>();
        foreach (string file in ParameterFiles())
        {
            var values = await ValuesAsync(file);
            int instances = values.GetProperty("maximumInstanceCount").GetInt32();
            int memory = values.GetProperty("instanceMemoryMB").GetInt32();
            // 2048 MB is one core; 512 MB a quarter, 4096 MB two.
            environments.Add((file, values.GetProperty("location").GetString()!, instances * memory, instances * memory / 2048.0));
        }

        // The environments may share one subscription, so those in the same region must fit one quota together.
        foreach (var region in environments.GroupBy(e => e.Location))
        {
            string which = string.Join(", ", region.Select(e => $"{e.File}: {e.MemoryMB} MB, {e.Cores} cores"));
            Assert.True(region.Sum(e => e.MemoryMB) <= QuotaMemoryMB, $"{region.Key} exceeds {QuotaMemoryMB} MB: {which}");
            Assert.True(region.Sum(e => e.Cores) <= QuotaCores, $"{region.Key} exceeds {QuotaCores} cores: {which}");
        }
    }

    [Fact]
    public async Task AlwaysReady_ProdKeepsOneHttpAndOneDurableInstanceWarm()
    {
        var values = await ValuesAsync("env/prod.bicepparam");

        Assert.True(values.GetProperty("alwaysReadyHttpInstances").GetInt32() >= 1);
        Assert.True(values.GetProperty("alwaysReadyDurableInstances").GetInt32() >= 1);
    }

    [Theory]
    [MemberData(nameof(ParameterFileData))]
    public async Task Location_EachEnvironmentUsesAFlexConsumptionRegion(string file)
    {
        var values = await ValuesAsync(file);
        var allowed = compiled.Template.Root.GetProperty("parameters").GetProperty("location").GetProperty("allowedValues")
            .EnumerateArray().Select(v => v.GetString()).ToList();

        Assert.Contains(values.GetProperty("location").GetString(), allowed);
    }

    public static TheoryData<string> ParameterFileData() => new(ParameterFiles());

    private static IEnumerable<string> ParameterFiles() =>
        Directory.GetFiles(Path.Combine(BicepCli.InfraFolder, "env"), "*.bicepparam")
            .Select(f => Path.GetRelativePath(BicepCli.InfraFolder, f)).Order(StringComparer.Ordinal);

    /// <summary>The parameter values an environment deploys with: its file's, else main.bicep's defaults.</summary>
    private async Task<JsonElement> ValuesAsync(string file)
    {
        var (exitCode, output, errors) = await BicepCli.RunAsync("build-params", file, "--stdout");
        Assert.True(exitCode == 0, errors);
        using var built = JsonDocument.Parse(output);
        using var parameters = JsonDocument.Parse(built.RootElement.GetProperty("parametersJson").GetString()!);

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var parameter in compiled.Template.Root.GetProperty("parameters").EnumerateObject())
        {
            if (parameter.Value.TryGetProperty("defaultValue", out var defaultValue) && (defaultValue.ValueKind != JsonValueKind.String || !defaultValue.GetString()!.StartsWith('[')))
            {
                values[parameter.Name] = defaultValue.Clone();
            }
        }

        foreach (var parameter in parameters.RootElement.GetProperty("parameters").EnumerateObject())
        {
            values[parameter.Name] = parameter.Value.GetProperty("value").Clone();
        }

        return JsonSerializer.SerializeToElement(values);
    }
}
