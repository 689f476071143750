using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Infra.Tests;

public sealed class MainTemplateTests(MainTemplateTests.CompiledMain compiled) : IClassFixture<MainTemplateTests.CompiledMain>
{
    private readonly CompiledTemplate _template = compiled.Template;

    [Fact]
    public void Plan_IsFlexConsumptionOnLinux()
    {
        var plan = _template.SingleOfType("Microsoft.Web/serverfarms");

        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.True(plan.GetProperty("properties").GetProperty("reserved").GetBoolean());
    }

    [Fact]
    public void FunctionApp_DotnetIsolated10HttpsOnlyTls12WithUserAssignedIdentity()
    {
        var site = _template.SingleOfType("Microsoft.Web/sites");
        var properties = site.GetProperty("properties");
        var config = properties.GetProperty("functionAppConfig");

        Assert.Equal("functionapp,linux", site.GetProperty("kind").GetString());
        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("1.2", properties.GetProperty("siteConfig").GetProperty("minTlsVersion").GetString());
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal("UserAssigned", site.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("UserAssignedIdentity", config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("maximumInstanceCount")]
    [InlineData("instanceMemoryMB")]
    [InlineData("alwaysReadyHttpInstances")]
    [InlineData("httpPerInstanceConcurrency")]
    public void Scale_SettingsAreParametersOfMain(string parameter)
    {
        Assert.True(_template.Root.GetProperty("parameters").TryGetProperty(parameter, out _), $"main.bicep has no parameter {parameter}");
        string scale = _template.SingleOfType("Microsoft.Web/sites").GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency").GetRawText();
        Assert.Contains($"parameters('{parameter}')", scale, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_SharedKeyDisabledHttpsOnlyTls12WithBlobQueueTableAndDeploymentContainer()
    {
        var properties = _template.SingleOfType("Microsoft.Storage/storageAccounts").GetProperty("properties");

        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
        _template.SingleOfType("Microsoft.Storage/storageAccounts/blobServices");
        _template.SingleOfType("Microsoft.Storage/storageAccounts/queueServices");
        _template.SingleOfType("Microsoft.Storage/storageAccounts/tableServices");
        _template.SingleOfType("Microsoft.Storage/storageAccounts/blobServices/containers");
    }

    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Storage Blob Data Owner")]
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Storage Queue Data Contributor")]
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Storage Table Data Contributor")]
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "Monitoring Metrics Publisher")]
    public void RoleAssignments_AppIdentityHoldsTheDataRolesItNeeds(string roleId, string roleName)
    {
        var deployment = _template.Resources
            .First(r => r.Resource.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments").Deployment!.Value;
        var template = deployment.GetProperty("properties").GetProperty("template");
        var variables = template.GetProperty("variables").EnumerateObject().ToList();
        string roleVariable = variables.Single(v => v.Value.ValueKind == JsonValueKind.String && v.Value.GetString() == roleId).Name;
        string reference = $"variables('{roleVariable}')";
        // A role is granted directly, or through a copy loop over an array variable that lists it.
        var arraysListingRole = variables
            .Where(v => v.Value.ValueKind == JsonValueKind.Array &&
                        v.Value.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString()!.Contains(reference, StringComparison.Ordinal)))
            .Select(v => $"variables('{v.Name}')[copyIndex()]")
            .ToList();

        bool granted = template.GetProperty("resources").EnumerateArray()
            .Where(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")
            .Where(r => r.GetProperty("properties").GetProperty("principalType").GetString() == "ServicePrincipal")
            .Select(r => r.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!)
            .Any(id => id.Contains(reference, StringComparison.Ordinal) || arraysListingRole.Any(a => id.Contains(a, StringComparison.Ordinal)));

        Assert.True(granted, $"the app identity is not granted {roleName} ({roleId})");
    }

    [Fact]
    public void AppSettings_IdentityBasedStorageAndNoSecrets()
    {
        var names = AppSettingNames();

        Assert.Contains("AzureWebJobsStorage__accountName", names);
        Assert.Contains("AzureWebJobsStorage__credential", names);
        Assert.Contains("AzureWebJobsStorage__clientId", names);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", names);
        Assert.DoesNotContain("AzureWebJobsStorage", names);
        // Flex Consumption takes the runtime from functionAppConfig and refuses this setting.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", names);
        string site = _template.DeploymentDeclaring("Microsoft.Web/sites").GetRawText();
        Assert.DoesNotContain("AccountKey", site, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys", site, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("managedidentity", ConnectionSettings().GetProperty("AzureWebJobsStorage__credential").GetString());
    }

    [Fact]
    public void AppSettings_EverySettingTheSampleDocumentsIsSetInAzure()
    {
        string sample = Path.Combine(RepositoryPaths.Root, "local.settings.sample.json");
        using var document = JsonDocument.Parse(File.ReadAllText(sample));
        var names = AppSettingNames();

        foreach (var setting in document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name))
        {
            if (setting is "FUNCTIONS_WORKER_RUNTIME" || setting.StartsWith("LocalRuntime__", StringComparison.Ordinal))
            {
                continue; // Local only: Flex takes the runtime from functionAppConfig; the local runtime is not deployed.
            }

            string expected = setting == "AzureWebJobsStorage" ? "AzureWebJobsStorage__accountName" : setting;
            Assert.True(names.Contains(expected), $"'{setting}' from local.settings.sample.json is not set in Azure (looked for '{expected}')");
        }
    }

    private JsonElement ConnectionSettings() =>
        _template.DeploymentDeclaring("Microsoft.Web/sites").GetProperty("properties").GetProperty("template").GetProperty("variables").GetProperty("connectionSettings");

    private HashSet<string> AppSettingNames()
    {
        var deployment = _template.DeploymentDeclaring("Microsoft.Web/sites");
        var names = ConnectionSettings().EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in deployment.GetProperty("properties").GetProperty("parameters").GetProperty("appSettings").GetProperty("value").EnumerateObject())
        {
            names.Add(extra.Name);
        }

        return names;
    }

    public sealed class CompiledMain : IAsyncLifetime
    {
        public CompiledTemplate Template { get; private set; } = null!;

        public async Task InitializeAsync() => Template = await CompiledTemplate.BuildAsync();

        public Task DisposeAsync() => Task.CompletedTask;
    }
}
