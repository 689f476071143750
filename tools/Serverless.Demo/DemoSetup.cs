using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Serverless.Demo;

/// <summary>
/// Gives a new installation a model to call: when the registry is empty it trains the demo classifier, registers it and
/// points <c>production</c> at it; then it prints requests that call it.
/// </summary>
public sealed class DemoSetup(HttpClient client, TextWriter output)
{
    /// <summary>The demo model's name in the registry.</summary>
    public const string ModelName = "loan-approval";

    /// <summary>Waits for the platform, registers the demo model if no model is registered, prints example calls.</summary>
    /// <returns>Whether the demo model was registered by this call.</returns>
    public async Task<bool> RunAsync(TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        await WaitUntilReadyAsync(readyTimeout, cancellationToken);
        var models = await client.GetFromJsonAsync<JsonElement>("models", cancellationToken);
        bool empty = models.GetProperty("models").GetArrayLength() == 0;
        if (empty)
        {
            var model = DemoClassifier.Train();
            string query = string.Join('&',
                "description=" + Uri.EscapeDataString("Demo loan approval classifier (ML.NET logistic regression)"),
                "trainingData=" + Uri.EscapeDataString(model.TrainingData),
                "registeredBy=" + Uri.EscapeDataString("tools/run demo setup"),
                "metrics=" + Uri.EscapeDataString(JsonSerializer.Serialize(model.Metrics)));
            int version = await RegistryRequests.RegisterAndPromoteAsync(client, ModelName, model.Onnx, query, cancellationToken);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"==> demo: trained '{ModelName}' (AUC {model.Metrics["auc"]}, accuracy {model.Metrics["accuracy"]}), registered version {version}, production -> {version}"));
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
              -d '{ExamplePredictBody}'
            curl -s -X POST {baseUrl}/v2/models/{ModelName}/infer -H 'Content-Type: application/json' \
              -d '{ExampleInferBody}'
            """);
        return empty;
    }

    /// <summary>A records API request with two applicants.</summary>
    public const string ExamplePredictBody =
        """{"rows": [{"income": 85, "debt_ratio": 0.2, "years_employed": 6, "late_payments": 0}, {"income": 30, "debt_ratio": 0.7, "years_employed": 1, "late_payments": 3}]}""";

    /// <summary>The same two applicants as an Open Inference Protocol request.</summary>
    public const string ExampleInferBody =
        """{"id": "example-1", "inputs": [{"name": "income", "shape": [2, 1], "datatype": "FP32", "data": [85, 30]}, {"name": "debt_ratio", "shape": [2, 1], "datatype": "FP32", "data": [0.2, 0.7]}, {"name": "years_employed", "shape": [2, 1], "datatype": "FP32", "data": [6, 1]}, {"name": "late_payments", "shape": [2, 1], "datatype": "FP32", "data": [0, 3]}], "outputs": [{"name": "PredictedLabel.output"}, {"name": "Probability.output"}]}""";

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
