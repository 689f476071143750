using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Serverless.Demo;

/// <summary>
/// Gives a new installation a model to call, made by the platform's own retraining line: when the registry is empty it
/// uploads the generated loan applications, puts the demo spec, starts a retraining and follows its steps (snapshot,
/// train, evaluate, gates, approval, promote); then it prints requests that call the model and read its lineage.
/// </summary>
public sealed class DemoSetup(HttpClient client, TextWriter output)
{
    /// <summary>The demo model's name in the registry.</summary>
    public const string ModelName = "loan-approval";

    /// <summary>Rows uploaded as the demo dataset.</summary>
    public const int Rows = 5000;

    /// <summary>A records API request with two applicants.</summary>
    public const string ExamplePredictBody =
        """{"rows": [{"income": 85, "debt_ratio": 0.2, "years_employed": 6, "late_payments": 0, "employment": "salaried"}, {"income": 30, "debt_ratio": 0.7, "years_employed": 1, "late_payments": 3, "employment": "contract"}]}""";

    /// <summary>The same two applicants as an Open Inference Protocol request.</summary>
    public const string ExampleInferBody =
        """{"id": "example-1", "inputs": [{"name": "income", "shape": [2, 1], "datatype": "FP32", "data": [85, 30]}, {"name": "debt_ratio", "shape": [2, 1], "datatype": "FP32", "data": [0.2, 0.7]}, {"name": "years_employed", "shape": [2, 1], "datatype": "FP32", "data": [6, 1]}, {"name": "late_payments", "shape": [2, 1], "datatype": "FP32", "data": [0, 3]}, {"name": "employment", "shape": [2, 1], "datatype": "BYTES", "data": ["salaried", "contract"]}]}""";

    /// <summary>Waits for the platform, runs the demo through the line if no model is registered, prints example calls.</summary>
    /// <returns>Whether this call made the demo model.</returns>
    public async Task<bool> RunAsync(TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        await WaitUntilReadyAsync(readyTimeout, cancellationToken);
        var models = await client.GetFromJsonAsync<JsonElement>("models", cancellationToken);
        bool empty = models.GetProperty("models").GetArrayLength() == 0;
        if (empty)
        {
            await RetrainThroughTheLineAsync(cancellationToken);
        }

        using var demo = await client.GetAsync($"models/{ModelName}", cancellationToken);
        if (demo.StatusCode == HttpStatusCode.NotFound)
        {
            await output.WriteLineAsync($"==> demo: models are registered already and '{ModelName}' is not among them; nothing to add");
            return false;
        }

        string baseUrl = client.BaseAddress!.ToString().TrimEnd('/');
        await output.WriteLineAsync($"""
            ==> try the demo model '{ModelName}':
            curl -s -X POST {baseUrl}/models/{ModelName}/predict -H 'Content-Type: application/json' \
              -H "Authorization: Bearer $(cat .tokens/consumer.jwt)" -d '{ExamplePredictBody}'
            curl -s {baseUrl}/models/{ModelName}/versions/1/lineage -H "Authorization: Bearer $(cat .tokens/auditor.jwt)"
            curl -s -X POST {baseUrl}/models/{ModelName}/retrain -H "Authorization: Bearer $(cat .tokens/data-scientist.jwt)"
            dotnet tools/Serverless.Cli/bin/Debug/net10.0/mlops.dll lineage {ModelName} 1
            ==> watch it drift: traffic whose income is multiplied by 1.5 after a minute, then its monitoring once a window closed:
            dotnet tools/Serverless.Demo/bin/Debug/net10.0/Serverless.Demo.dll traffic --url {baseUrl} --token "$(cat .tokens/consumer.jwt)" --seconds 180 --shift 'income*1.5' --shift-after 60
            dotnet tools/Serverless.Cli/bin/Debug/net10.0/mlops.dll monitoring {ModelName} --url {baseUrl}
            """);
        return empty;
    }

    private async Task RetrainThroughTheLineAsync(CancellationToken cancellationToken)
    {
        using (var csv = new StringContent(DemoData.ToCsv(DemoData.Generate(Rows)), Encoding.UTF8, "text/csv"))
        {
            await EnsureAsync(await client.PostAsync($"datasets/{DemoSpec.DatasetName}", csv, cancellationToken), "upload the demo dataset", cancellationToken);
        }

        using (var spec = new StringContent(DemoSpec.Json, Encoding.UTF8, "application/json"))
        {
            await EnsureAsync(await client.PutAsync($"specs/{ModelName}", spec, cancellationToken), "put the demo spec", cancellationToken);
        }

        using var started = await client.PostAsJsonAsync($"models/{ModelName}/retrain", new { reason = "first run of tools/run" }, cancellationToken);
        var start = await EnsureAsync(started, "start the demo retraining", cancellationToken);
        string statusUrl = start.GetProperty("statusUrl").GetString()!.TrimStart('/');
        await output.WriteLineAsync($"==> demo: retraining '{ModelName}' through the line ({start.GetProperty("instanceId").GetString()})");

        var printed = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var status = await client.GetFromJsonAsync<JsonElement>(statusUrl, cancellationToken);
            foreach (var step in status.GetProperty("steps").EnumerateArray())
            {
                if (step.GetProperty("outcome").ValueKind == JsonValueKind.String && printed.Add(step.GetProperty("name").GetString()!))
                {
                    await output.WriteLineAsync($"      {step.GetProperty("name").GetString(),-9} {step.GetProperty("outcome").GetString(),-9} {step.GetProperty("detail").GetString()}");
                }
            }

            if (status.GetProperty("outcome").ValueKind == JsonValueKind.String)
            {
                await output.WriteLineAsync($"==> demo: retraining {status.GetProperty("outcome").GetString()}");
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The demo retraining did not end within 3 minutes; see {client.BaseAddress}{statusUrl}.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    

    private static async Task<JsonElement> EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Could not {what}: {(int)response.StatusCode} {body}");
            }

            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var ready = await client.GetAsync("v2/health/ready", cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The platform at {client.BaseAddress} was not ready within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }
}
