namespace Serverless.Infra.Tests;

public sealed class BicepTests
{
    public static TheoryData<string> BicepFiles() =>
        new(Directory.GetFiles(BicepCli.InfraFolder, "*.bicep*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(BicepCli.InfraFolder, f)).Order(StringComparer.Ordinal));

    [Fact]
    public async Task Build_MainBicep_CompilesWithoutErrorsOrWarnings()
    {
        var (exitCode, output, errors) = await BicepCli.RunAsync("build", "main.bicep", "--stdout");

        Assert.True(exitCode == 0, errors);
        Assert.Equal(string.Empty, errors.Trim());
        Assert.StartsWith("{", output.TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Lint_EveryBicepAndParameterFile_NoErrorsOrWarnings(string file)
    {
        var (exitCode, output, errors) = await BicepCli.RunAsync("lint", file);

        Assert.True(exitCode == 0, output + errors);
        Assert.Equal(string.Empty, (output + errors).Trim());
    }

    [Theory]
    [InlineData("env/dev.bicepparam")]
    [InlineData("env/prod.bicepparam")]
    public async Task BuildParams_EachEnvironment_Compiles(string file)
    {
        var (exitCode, _, errors) = await BicepCli.RunAsync("build-params", file, "--stdout");

        Assert.True(exitCode == 0, errors);
        Assert.Equal(string.Empty, errors.Trim());
    }
}
