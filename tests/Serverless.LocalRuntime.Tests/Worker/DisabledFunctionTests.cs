using System.Net;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Worker;

public sealed class DisabledFunctionTests(DisabledFunctionTests.DisabledFixture fixture) : IClassFixture<DisabledFunctionTests.DisabledFixture>
{
    [Fact]
    public async Task HttpFunction_DisabledByDottedSetting_NotRouted()
    {
        using var response = await fixture.Runtime.Client.GetAsync(new Uri("/v2/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task HttpFunction_DisabledByEnvironmentForm_NotRouted()
    {
        using var response = await fixture.Runtime.Client.GetAsync(new Uri("/v2", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task HttpFunction_NotDisabled_Served()
    {
        using var response = await fixture.Runtime.Client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminInvoke_DisabledFunction_NotFound()
    {
        using var response = await fixture.Runtime.Client.PostAsync(new Uri("/admin/functions/ServerLive", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public sealed class DisabledFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string>? SettingOverrides { get; } = new Dictionary<string, string>
        {
            ["AzureWebJobs.ServerLive.Disabled"] = "true",
            ["AzureWebJobs__ServerMetadata__Disabled"] = "1",
        };
    }
}
