using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.LocalRuntime.Worker;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Worker;

/// <summary>
/// Pins what the host relies on from the worker (NOTES.md of the protocol): the functions it indexes itself over gRPC
/// are those the SDK wrote to functions.metadata, with the same bindings; it offers the ASP.NET Core integration's
/// HTTP address. A worker or extension upgrade that changes these fails here rather than in a user's hands.
/// </summary>
public sealed class WorkerProtocolContractTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    [Fact]
    public async Task FunctionsMetadata_FromWorker_MatchesWhatTheSdkGenerated()
    {
        var functions = await fixture.Runtime.Services.GetRequiredService<WorkerHost>().Ready;
        using var generated = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(InProcessRuntime.ScriptRoot, "functions.metadata")));

        var expected = generated.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Select(b => $"{b.GetProperty("name").GetString()}:{b.GetProperty("type").GetString()}").Order().ToList());
        var actual = functions.ToDictionary(f => f.Name, f => f.Bindings.Select(b => $"{b.Name}:{b.Type}").Order().ToList());

        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bindings) in expected)
        {
            Assert.Equal(bindings, actual[name]);
        }
    }

    [Fact]
    public void Worker_AspNetCoreIntegration_ReportsItsHttpAddressOnLoopback()
    {
        var worker = fixture.Runtime.Services.GetRequiredService<WorkerHost>();

        Assert.NotNull(worker.HttpUri);
        Assert.True(worker.HttpUri!.IsLoopback, worker.HttpUri.ToString());
    }
}
