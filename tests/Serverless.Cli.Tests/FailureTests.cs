using System.Net;
using System.Net.Sockets;

namespace Serverless.Cli.Tests;

public sealed class FailureTests
{
    [Fact]
    public async Task AnyCommand_ConnectionRefused_NamesTheUrlAndExits1()
    {
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";

        CliResult result = await Cli.RunAsync("models", "list", "--url", url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"could not reach {url}/models", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task AnyCommand_ServerError_PrintsTheApiErrorAndExits1()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models", 503, """{"error":"Storage refused the app's identity: it needs the Storage Table Data Contributor role."}""");

        CliResult result = await Cli.RunAsync(platform, "models", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Storage refused the app's identity: it needs the Storage Table Data Contributor role.", result.Stderr.TrimEnd());
    }

    [Fact]
    public async Task AnyCommand_ErrorWithoutJson_PrintsStatusAndBodyAndExits1()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models", 502, "Bad gateway from the proxy");

        CliResult result = await Cli.RunAsync(platform, "models", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("answered 502 Bad Gateway: Bad gateway from the proxy", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_UrlWithPath_CallsUnderThatPath()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/platform/models", 200, Canned.Models);

        CliResult result = await Cli.RunAsync("models", "list", "--url", new Uri(platform.Url, "platform").ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Single(platform.RequestsTo("GET", "/platform/models"));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com")]
    public async Task AnyCommand_InvalidUrl_Exits2(string url)
    {
        CliResult result = await Cli.RunAsync("models", "list", "--url", url);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not an absolute http or https URL", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_Exits2()
    {
        CliResult result = await Cli.RunAsync("modles", "list");

        Assert.Equal(2, result.ExitCode);
        Assert.NotEmpty(result.Stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
