using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Configuration;
using Serverless.LocalRuntime.Hosting;

namespace Serverless.LocalRuntime.Tests.Hosting;

public sealed class LocalSettingsTests
{
    [Fact]
    public void AddTo_Values_BecomeSettingsWithDoubleUnderscoreAsSectionSeparator()
    {
        string path = Write("{\"Values\": {\"A__B\": \"1\", \"Plain\": \"x\", \"Number\": 5}}");
        var configuration = new ConfigurationManager();

        Assert.Equal(path, LocalSettings.AddTo(configuration, path));

        Assert.Equal("1", configuration["A:B"]);
        Assert.Equal("x", configuration["Plain"]);
        Assert.Equal("5", configuration["Number"]);
    }

    [Fact]
    public void AddTo_SettingAlreadyInTheEnvironment_EnvironmentWins()
    {
        string path = Write("{\"Values\": {\"Shared\": \"from-file\"}}");
        var configuration = new ConfigurationManager();
        configuration.Sources.Add(new MemoryConfigurationSource { InitialData = [new("Shared", "from-environment")] });

        LocalSettings.AddTo(configuration, path);

        Assert.Equal("from-environment", configuration["Shared"]);
    }

    [Fact]
    public void AddTo_ExplicitFileMissing_Throws()
    {
        Assert.Throws<FileNotFoundException>(() => LocalSettings.AddTo(new ConfigurationManager(), "/nonexistent/local.settings.json"));
    }

    [Fact]
    public void Resolve_SettingExpression_ReplacedByTheSettingsValue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Section:Schedule"] = "0 * * * * *" }).Build();

        Assert.Equal("0 * * * * *", AppSettingExpressions.Resolve("%Section__Schedule%", configuration));
        Assert.Equal("literal", AppSettingExpressions.Resolve("literal", configuration));
        var ex = Assert.Throws<InvalidOperationException>(() => AppSettingExpressions.Resolve("%Missing%", configuration));
        Assert.Contains("'Missing'", ex.Message, StringComparison.Ordinal);
    }

    private static string Write(string json)
    {
        string path = Path.Combine(Path.GetTempPath(), $"settings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
