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
    [InlineData("alwaysReadyDurableInstances")]
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
        Assert.Contains(_template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => c.GetProperty("name").GetString()!.Contains("deploymentContainerName", StringComparison.Ordinal));
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

        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", names);
        Assert.DoesNotContain("AzureWebJobsStorage", names);
        Assert.DoesNotContain("AppStorage", names);
        string site = _template.DeploymentDeclaring("Microsoft.Web/sites").GetRawText();
        Assert.DoesNotContain("AccountKey", site, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys", site, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("AppStorage")]
    public void AppSettings_StorageConnectionIsServiceUrisFromTheAccountsEndpointsWithTheAppIdentity(string connection)
    {
        var settings = ConnectionSettings();
        var functionAppParameters = _template.DeploymentDeclaring("Microsoft.Web/sites").GetProperty("properties").GetProperty("parameters");
        var storageOutputs = _template.DeploymentDeclaring("Microsoft.Storage/storageAccounts").GetProperty("properties").GetProperty("template").GetProperty("outputs");

        foreach (string service in new[] { "blob", "queue", "table" })
        {
            // Setting <- functionapp parameter <- storage module output <- the account's primaryEndpoints (cloud-aware).
            string parameter = $"storage{char.ToUpperInvariant(service[0])}{service[1..]}Endpoint";
            Assert.Equal($"[parameters('{parameter}')]", settings.GetProperty($"{connection}__{service}ServiceUri").GetString());
            string passed = functionAppParameters.GetProperty(parameter).GetProperty("value").GetString()!;
            Assert.Contains($"outputs.{service}Endpoint.value", passed, StringComparison.Ordinal);
            string output = storageOutputs.GetProperty($"{service}Endpoint").GetProperty("value").GetString()!;
            Assert.EndsWith($".primaryEndpoints.{service}]", output, StringComparison.Ordinal);
        }

        Assert.Equal("managedidentity", settings.GetProperty($"{connection}__credential").GetString());
        Assert.Equal("[parameters('identityClientId')]", settings.GetProperty($"{connection}__clientId").GetString());
        // An account name makes the host build *.core.windows.net names, which are wrong outside the public cloud.
        Assert.False(settings.TryGetProperty($"{connection}__accountName", out _), $"{connection}__accountName is set");
    }

    [Fact]
    public void AppSettings_ConnectionSettingsWinOverSameNamedAppSettings()
    {
        var config = _template.OfType("Microsoft.Web/sites/config").Single(c => c.GetProperty("name").GetString()!.Contains("appsettings", StringComparison.Ordinal));

        // union() lets the later object win on a shared name: the connections come last.
        Assert.Equal("[union(parameters('appSettings'), variables('connectionSettings'))]", config.GetProperty("properties").GetString());
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_WORKER_RUNTIME_VERSION")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("FUNCTIONS_MAX_HTTP_CONCURRENCY")]
    [InlineData("FUNCTIONS_WORKER_PROCESS_COUNT")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT")]
    [InlineData("SCM_DO_BUILD_DURING_DEPLOYMENT")]
    [InlineData("ENABLE_ORYX_BUILD")]
    public void AppSettings_NoSettingFlexConsumptionRejects(string setting)
    {
        // Flex Consumption takes the runtime, scale and package from functionAppConfig and refuses these settings.
        Assert.DoesNotContain(setting, AppSettingNames());
    }

    [Fact]
    public void SiteConfig_OnlyPropertiesFlexConsumptionAccepts()
    {
        var siteConfig = _template.SingleOfType("Microsoft.Web/sites").GetProperty("properties").GetProperty("siteConfig");

        // Flex refuses FTP settings (it has no FTP), runtime stacks and scale limits in siteConfig (error 51021). A new
        // property goes on this list only once Microsoft's Flex references show it is accepted.
        string[] accepted = ["minTlsVersion"];
        Assert.All(siteConfig.EnumerateObject(), p => Assert.Contains(p.Name, accepted));
        Assert.False(siteConfig.TryGetProperty("ftpsState", out _));
    }

    [Fact]
    public void AlwaysReady_HttpAndDurableGroupsEachFromTheirParameter()
    {
        string alwaysReady = _template.SingleOfType("Microsoft.Web/sites").GetProperty("properties").GetProperty("functionAppConfig")
            .GetProperty("scaleAndConcurrency").GetProperty("alwaysReady").GetString()!;

        Assert.Contains("createObject('name', 'http', 'instanceCount', parameters('alwaysReadyHttpInstances'))", alwaysReady, StringComparison.Ordinal);
        Assert.Contains("createObject('name', 'durable', 'instanceCount', parameters('alwaysReadyDurableInstances'))", alwaysReady, StringComparison.Ordinal);
    }

    [Fact]
    public void Location_RestrictedToFlexConsumptionRegionsAndMarkedForAzd()
    {
        var location = _template.Root.GetProperty("parameters").GetProperty("location");
        var allowed = location.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToList();

        Assert.Contains("swedencentral", allowed);
        Assert.Contains("eastus", allowed);
        Assert.DoesNotContain("eastus2euap", allowed); // canary: not open to ordinary subscriptions
        Assert.All(allowed, region => Assert.Matches("^[a-z0-9]+$", region));
        Assert.Equal("location", location.GetProperty("metadata").GetProperty("azd").GetProperty("type").GetString());
    }

    [Fact]
    public void RoleAssignments_UserPrincipalTypeIsAParameterPassedThrough()
    {
        var parameter = _template.Root.GetProperty("parameters").GetProperty("userPrincipalType");
        Assert.Equal(["User", "Group", "ServicePrincipal"], parameter.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Assert.Equal("User", parameter.GetProperty("defaultValue").GetString());

        var rbac = _template.Resources.First(r => r.Resource.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments").Deployment!.Value;
        Assert.Equal("[parameters('userPrincipalType')]", rbac.GetProperty("properties").GetProperty("parameters").GetProperty("userPrincipalType").GetProperty("value").GetString());
        var userAssignments = rbac.GetProperty("properties").GetProperty("template").GetProperty("resources").EnumerateArray()
            .Where(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")
            .Where(r => r.GetProperty("properties").GetProperty("principalId").GetString() == "[parameters('userPrincipalId')]")
            .ToList();
        Assert.NotEmpty(userAssignments);
        Assert.All(userAssignments, r => Assert.Equal("[parameters('userPrincipalType')]", r.GetProperty("properties").GetProperty("principalType").GetString()));
    }

    [Fact]
    public void AzdParameters_PassThePrincipalTypeWithUserAsFallback()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraFolder, "main.parameters.json")));
        var parameters = document.RootElement.GetProperty("parameters");

        Assert.Equal("${AZURE_PRINCIPAL_ID}", parameters.GetProperty("userPrincipalId").GetProperty("value").GetString());
        Assert.Equal("${AZURE_PRINCIPAL_TYPE=User}", parameters.GetProperty("userPrincipalType").GetProperty("value").GetString());
        var mainParameters = _template.Root.GetProperty("parameters");
        Assert.All(parameters.EnumerateObject(), p => Assert.True(mainParameters.TryGetProperty(p.Name, out _), $"main.bicep has no parameter {p.Name}"));
    }

    [Fact]
    public void AppSettings_EverySettingTheSampleDocumentsIsSetInAzure()
    {
        string sample = Path.Combine(RepositoryPaths.Root, "local.settings.sample.json");
        using var document = JsonDocument.Parse(File.ReadAllText(sample));
        var names = AppSettingNames();

        foreach (var setting in document.RootElement.GetProperty("Values").EnumerateObject())
        {
            if (setting.Name is "FUNCTIONS_WORKER_RUNTIME" || setting.Name.StartsWith("LocalRuntime__", StringComparison.Ordinal))
            {
                continue; // Local only: Flex takes the runtime from functionAppConfig; the local runtime is not deployed.
            }

            // A storage connection string locally is an identity-based connection (service URIs) in Azure.
            string value = setting.Value.GetString() ?? string.Empty;
            bool storageConnection = value.Contains("UseDevelopmentStorage=true", StringComparison.Ordinal) || value.Contains("AccountName=", StringComparison.Ordinal);
            string expected = storageConnection ? setting.Name + "__blobServiceUri" : setting.Name;
            Assert.True(names.Contains(expected), $"'{setting.Name}' from local.settings.sample.json is not set in Azure (looked for '{expected}')");
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
