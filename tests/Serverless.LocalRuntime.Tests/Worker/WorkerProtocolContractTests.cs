using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
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

    [Fact]
    public void Worker_InitResponse_DeclaresTheCapabilitiesTheHostReliesOn()
    {
        var capabilities = fixture.Runtime.Services.GetRequiredService<WorkerHost>().Capabilities;

        // HTTP goes through the worker's own Kestrel; cancels and terminate are sent because the worker handles them.
        foreach (string capability in (string[])["HttpUri", "RpcHttpBodyOnly", "HandlesInvocationCancelMessage", "HandlesWorkerTerminateMessage"])
        {
            Assert.True(capabilities.ContainsKey(capability), $"the worker no longer declares {capability}");
        }
    }

    [Fact]
    public async Task QueueTriggerMetadata_NumberAsTypedDataInt_IsRefusedSoTheHostSendsJson()
    {
        var worker = fixture.Runtime.Services.GetRequiredService<WorkerHost>();
        var function = (await worker.Ready).Single(f => f.Name == "RunQueuedSelfCheck");
        var request = function.CreateInvocation(new TypedData { String = "{\"checkId\":\"x\",\"source\":\"contract\"}" });
        request.TriggerMetadata["DequeueCount"] = new TypedData { Int = 1 };

        var response = await worker.InvokeAsync(function, request, CancellationToken.None);

        Assert.Equal(StatusResult.Types.Status.Failure, response.Result.Status);
        Assert.Contains("Int is not supported", response.Result.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActivityInput_AsScheduledByTheIsolatedSdk_IsAOneElementJsonArray()
    {
        using var started = await fixture.Runtime.Client.PostAsync(new Uri("/selfchecks", UriKind.Relative), null);
        string id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var history = new TableClient(fixture.ConnectionString, fixture.Runtime.Settings.HubName + "History");

        string input = await Eventually.GetAsync(async () =>
        {
            await foreach (var row in history.QueryAsync<TableEntity>(e => e.PartitionKey == id))
            {
                if (row.GetString("EventType") == "TaskScheduled")
                {
                    return row.GetString("Input");
                }
            }

            return null;
        }, TimeSpan.FromSeconds(30), "the first activity to be scheduled");

        // The host hands the worker the element's JSON (DurableWorkItemForwarder); a change here must change that too.
        using var scheduled = JsonDocument.Parse(input);
        Assert.Equal(JsonValueKind.Array, scheduled.RootElement.ValueKind);
        Assert.Equal(id, Assert.Single(scheduled.RootElement.EnumerateArray()).GetString());
    }
}
