namespace Serverless.Infra.Tests;

public sealed class DeploymentOutputsScriptTests : IDisposable
{
    private const string Script = "deployment-outputs.sh";
    private readonly string _folder = Directory.CreateTempSubdirectory("deployment-outputs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Read_OutputNamesInAnotherCase_PrintsEachValueUnderItsKey()
    {
        string outputs = Write("""
            {
              "azurE_RESOURCE_GROUP": { "type": "String", "value": "rg-mlplatform-prod" },
              "azure_function_app_name": { "type": "String", "value": "func-abc" },
              "SERVICE_FUNCTIONS_URI": { "type": "String", "value": "https://func-abc.azurewebsites.net" }
            }
            """);

        var (exitCode, output, errors) = await ScriptRunner.RunWorkflowScriptAsync(Script, _folder, outputs,
            "resource_group=AZURE_RESOURCE_GROUP", "app_name=AZURE_FUNCTION_APP_NAME", "app_uri=SERVICE_FUNCTIONS_URI");

        Assert.True(exitCode == 0, errors);
        Assert.Equal(
            ["resource_group=rg-mlplatform-prod", "app_name=func-abc", "app_uri=https://func-abc.azurewebsites.net"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Read_MissingAndNullOutputs_FailsNamingEachAndPrintsNothing()
    {
        string outputs = Write("""
            {
              "AZURE_RESOURCE_GROUP": { "type": "String", "value": "rg-mlplatform-prod" },
              "SERVICE_FUNCTIONS_URI": { "type": "String", "value": null }
            }
            """);

        var (exitCode, output, errors) = await ScriptRunner.RunWorkflowScriptAsync(Script, _folder, outputs,
            "resource_group=AZURE_RESOURCE_GROUP", "app_name=AZURE_FUNCTION_APP_NAME", "app_uri=SERVICE_FUNCTIONS_URI");

        Assert.NotEqual(0, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Contains("AZURE_FUNCTION_APP_NAME", errors, StringComparison.Ordinal);
        Assert.Contains("SERVICE_FUNCTIONS_URI", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("not json")]
    public async Task Read_NoOutputsAtAll_Fails(string content)
    {
        var (exitCode, output, errors) = await ScriptRunner.RunWorkflowScriptAsync(Script, _folder, Write(content), "resource_group=AZURE_RESOURCE_GROUP");

        Assert.NotEqual(0, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.NotEqual(string.Empty, errors.Trim());
    }

    private string Write(string content)
    {
        string path = Path.Combine(_folder, "outputs.json");
        File.WriteAllText(path, content);
        return path;
    }
}
