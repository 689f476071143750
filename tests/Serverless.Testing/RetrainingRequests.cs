using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Serverless.Testing;

/// <summary>The retraining line's HTTP calls as tests make them, each optionally as a signed-in caller.</summary>
public static class RetrainingRequests
{
    /// <summary>Sends a request with an optional JSON body, as <paramref name="caller"/> (a subject given a token with every role) or the test admin; returns the status and parsed body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendJsonAsync(
        this HttpClient client, HttpMethod method, string path, string? json = null, string? caller = null, string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, contentType);
        }

        if (caller is not null)
        {
            // A token of the caller's own, with every role: whatever it may do, it is a different identity.
            request.Headers.Authorization = TestTokens.Bearer(TestTokens.For(caller));
        }

        using var response = await client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>Uploads <paramref name="csv"/> as dataset <paramref name="name"/>; fails the test unless it is stored.</summary>
    public static async Task<JsonElement> UploadDatasetAsync(this HttpClient client, string name, string csv)
    {
        var (status, body) = await client.SendJsonAsync(HttpMethod.Post, $"/datasets/{name}", csv, contentType: "text/csv");
        return status == HttpStatusCode.Created ? body : throw new InvalidOperationException($"Upload of dataset '{name}' answered {(int)status}: {body}");
    }

    /// <summary>Puts a spec; fails the test unless it is stored.</summary>
    public static async Task<JsonElement> PutSpecAsync(this HttpClient client, string model, string specJson)
    {
        var (status, body) = await client.SendJsonAsync(HttpMethod.Put, $"/specs/{model}", specJson);
        return status is HttpStatusCode.Created or HttpStatusCode.OK ? body : throw new InvalidOperationException($"PUT /specs/{model} answered {(int)status}: {body}");
    }

    /// <summary>Starts a retraining; returns its instance id.</summary>
    public static async Task<string> StartRetrainingAsync(this HttpClient client, string model, string? body = null, string? caller = null)
    {
        var (status, answer) = await client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrain", body, caller);
        return status == HttpStatusCode.Accepted
            ? answer.GetProperty("instanceId").GetString()!
            : throw new InvalidOperationException($"POST /models/{model}/retrain answered {(int)status}: {answer}");
    }

    /// <summary>The retraining's status.</summary>
    public static async Task<JsonElement> GetRetrainingAsync(this HttpClient client, string model, string instanceId) =>
        await client.GetFromJsonAsync<JsonElement>(new Uri($"/models/{model}/retrainings/{instanceId}", UriKind.Relative));

    /// <summary>Waits until the retraining's status satisfies <paramref name="done"/>; returns that status.</summary>
    public static async Task<JsonElement> WaitForRetrainingAsync(
        this HttpClient client, string model, string instanceId, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null)
    {
        var status = await Eventually.GetAsync<JsonElement?>(async () =>
        {
            var current = await client.GetRetrainingAsync(model, instanceId);
            return done(current) ? current : null;
        }, timeout ?? TimeSpan.FromSeconds(90), what);
        return status!.Value;
    }

    /// <summary>Waits until the retraining has an outcome; returns its status.</summary>
    public static Task<JsonElement> WaitForOutcomeAsync(this HttpClient client, string model, string instanceId, TimeSpan? timeout = null) =>
        client.WaitForRetrainingAsync(model, instanceId, s => s.GetProperty("outcome").ValueKind == JsonValueKind.String
            && s.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed" or "Terminated", $"retraining {instanceId} to end", timeout);
}
