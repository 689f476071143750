using System.Text.Json;

namespace Serverless.Testing;

/// <summary>
/// A <c>local.settings.json</c> for one test runtime: its own task hub, self-check, retraining, sample and alert queues, monitoring and audit tables and host id, timers that do not fire unless a test
/// asks, and fast queue retries (set through the <c>AzureFunctionsJobHost__</c> overrides the Functions host honours).
/// </summary>
public sealed class RuntimeSettings
{
    private RuntimeSettings(string path, string hubName, string selfCheckQueue, string hostId)
    {
        Path = path;
        HubName = hubName;
        SelfCheckQueue = selfCheckQueue;
        HostId = hostId;
    }

    /// <summary>The settings file.</summary>
    public string Path { get; }

    /// <summary>The Durable Task hub the runtime uses.</summary>
    public string HubName { get; }

    /// <summary>The runtime's own self-check queue, so that no other test's runtime takes its messages.</summary>
    public string SelfCheckQueue { get; }

    /// <summary>The host id (timer locks and schedule status are kept under it).</summary>
    public string HostId { get; }

    /// <summary>Writes the settings file; <paramref name="overrides"/> replace or add values.</summary>
    public static RuntimeSettings Create(string connectionString, IReadOnlyDictionary<string, string>? overrides = null)
    {
        string id = Guid.NewGuid().ToString("N")[..12];
        string hubName = "Test" + id;
        var values = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["SelfCheckSchedule"] = "0 0 0 1 1 *",
            ["SelfCheckQueue"] = "selfchecks-" + id,
            ["Retraining__Queue"] = "retrain-" + id,
            ["Retraining__ScheduleCheck"] = "0 0 0 1 1 *",
            ["Monitoring__SampleQueue"] = "samples-" + id,
            ["Monitoring__EvaluationSchedule"] = "0 0 0 1 1 *",
            ["Monitoring__EvaluationTable"] = "monitoring" + id,
            ["Monitoring__AlertQueue"] = "alerts-" + id,
            ["Audit__Table"] = "audit" + id,
            ["Batch__EventQueue"] = "batch-events-" + id,
            ["Scoring__RequestQueue"] = "score-requests-" + id,
            ["Scoring__ResultQueue"] = "score-results-" + id,
            ["AzureFunctionsWebHost__hostid"] = "test-" + id,
            ["AzureFunctionsJobHost__extensions__durableTask__hubName"] = hubName,
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:00",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.500",
            ["AzureFunctionsJobHost__extensions__queues__maxDequeueCount"] = "3",
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in TestTokens.Settings)
        {
            values[key] = value;
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }

        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"local.settings.{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { IsEncrypted = false, Values = values }));
        return new RuntimeSettings(path, hubName, values["SelfCheckQueue"], values["AzureFunctionsWebHost__hostid"]);
    }
}
