using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Serverless.Cli.Api;

/// <summary>
/// The platform's HTTP API, one method per endpoint. Answers are returned as the JSON the API sent (so <c>--json</c>
/// can print them unchanged); a 4xx/5xx throws <see cref="ApiException"/> and a failed connection
/// <see cref="ApiUnreachableException"/>.
/// </summary>
internal sealed class MlopsClient : IDisposable
{
    private const int MaxQuotedBody = 300;
    private readonly HttpClient _http;

    /// <summary>Creates a client for the API at <paramref name="baseUrl"/>.</summary>
    /// <param name="baseUrl">The app root, such as <c>http://localhost:7071</c>.</param>
    /// <param name="functionKey">Sent as <c>x-functions-key</c> when set.</param>
    /// <param name="token">Sent as <c>Authorization: Bearer</c> when set: who the caller is and its roles.</param>
    /// <param name="handler">The message handler to send through; null for a new one.</param>
    public MlopsClient(Uri baseUrl, string? functionKey, string? token, HttpMessageHandler? handler = null)
    {
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
        {
            BaseAddress = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/"),
            // Dataset uploads and a cold platform's first answer can take a while; Ctrl-C still cancels at once.
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (!string.IsNullOrEmpty(functionKey))
        {
            _http.DefaultRequestHeaders.Add("x-functions-key", functionKey);
        }

        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The API's root URL.</summary>
    public Uri BaseUrl => _http.BaseAddress!;

    /// <summary><c>GET /models</c>.</summary>
    public Task<JsonElement> ListModelsAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "models", null, cancellationToken);

    /// <summary><c>GET /models/{name}</c>.</summary>
    public Task<JsonElement> GetModelAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"models/{Segment(name)}", null, cancellationToken);

    /// <summary><c>GET /models/{name}/versions/{version}/lineage</c>.</summary>
    public Task<JsonElement> GetLineageAsync(string name, int version, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"models/{Segment(name)}/versions/{version.ToString(CultureInfo.InvariantCulture)}/lineage", null, cancellationToken);

    /// <summary><c>POST /models/{name}/rollback</c>.</summary>
    public Task<JsonElement> RollbackAsync(string name, string reason, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"models/{Segment(name)}/rollback", Json(new ReasonRequest(reason), CliJsonContext.Default.ReasonRequest), cancellationToken);

    /// <summary><c>PUT /models/{name}/aliases/{alias}/canary</c>: starts or changes the alias's canary.</summary>
    public Task<JsonElement> SetCanaryAsync(string name, string alias, CanaryRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"{AliasPath(name, alias)}/canary", Json(request, CliJsonContext.Default.CanaryRequest), cancellationToken);

    /// <summary><c>POST /models/{name}/aliases/{alias}/canary/promote</c>.</summary>
    public Task<JsonElement> PromoteCanaryAsync(string name, string alias, string? reason, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{AliasPath(name, alias)}/canary/promote", Json(new OptionalReasonRequest(reason), CliJsonContext.Default.OptionalReasonRequest), cancellationToken);

    /// <summary><c>DELETE /models/{name}/aliases/{alias}/canary</c>.</summary>
    public Task<JsonElement> AbortCanaryAsync(string name, string alias, string? reason, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"{AliasPath(name, alias)}/canary", Json(new OptionalReasonRequest(reason), CliJsonContext.Default.OptionalReasonRequest), cancellationToken);

    /// <summary><c>PUT /models/{name}/aliases/{alias}/shadow</c>.</summary>
    public Task<JsonElement> SetShadowAsync(string name, string alias, ShadowRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"{AliasPath(name, alias)}/shadow", Json(request, CliJsonContext.Default.ShadowRequest), cancellationToken);

    /// <summary><c>DELETE /models/{name}/aliases/{alias}/shadow</c>.</summary>
    public Task<JsonElement> StopShadowAsync(string name, string alias, string? reason, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"{AliasPath(name, alias)}/shadow", Json(new OptionalReasonRequest(reason), CliJsonContext.Default.OptionalReasonRequest), cancellationToken);

    /// <summary><c>GET /models/{name}/shadow</c>: the model's shadow comparisons.</summary>
    public Task<JsonElement> GetShadowAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"models/{Segment(name)}/shadow", null, cancellationToken);

    /// <summary><c>GET /models/{name}/monitoring</c>, the latest <paramref name="windows"/> windows or the platform's default.</summary>
    public Task<JsonElement> GetMonitoringAsync(string name, int? windows, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Get,
            windows is { } n ? $"models/{Segment(name)}/monitoring?windows={n.ToString(CultureInfo.InvariantCulture)}" : $"models/{Segment(name)}/monitoring",
            null,
            cancellationToken);

    /// <summary><c>POST /monitoring/evaluate</c>: evaluates every window that is due now.</summary>
    public Task<JsonElement> EvaluateMonitoringAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "monitoring/evaluate", null, cancellationToken);

    /// <summary><c>GET /audit</c> with the filters given (each escaped), one page of at most <paramref name="top"/> entries.</summary>
    public Task<JsonElement> GetAuditAsync(
        string? model, string? actor, string? action, DateTimeOffset? since, int? top, string? continuationToken, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("model", model);
        Add("actor", actor);
        Add("action", action);
        Add("from", since?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        Add("top", top?.ToString(CultureInfo.InvariantCulture));
        Add("continuationToken", continuationToken);
        return SendAsync(HttpMethod.Get, query.Count == 0 ? "audit" : "audit?" + string.Join('&', query), null, cancellationToken);
    }

    /// <summary><c>GET /audit/verify</c>, one model's chain or all.</summary>
    public Task<JsonElement> VerifyAuditAsync(string? model, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, model is null ? "audit/verify" : $"audit/verify?model={Uri.EscapeDataString(model)}", null, cancellationToken);

    /// <summary><c>PUT /specs/{name}</c> with the spec's JSON text as it is.</summary>
    public Task<JsonElement> PutSpecAsync(string name, string specJson, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"specs/{Segment(name)}", new StringContent(specJson, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary><c>GET /specs/{name}</c>, the latest version or <paramref name="version"/>.</summary>
    public Task<JsonElement> GetSpecAsync(string name, int? version, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Get,
            version is { } v ? $"specs/{Segment(name)}?version={v.ToString(CultureInfo.InvariantCulture)}" : $"specs/{Segment(name)}",
            null,
            cancellationToken);

    /// <summary><c>GET /specs</c>.</summary>
    public Task<JsonElement> ListSpecsAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "specs", null, cancellationToken);

    /// <summary><c>POST /datasets/{name}</c>, streaming <paramref name="csv"/> as the body.</summary>
    public Task<JsonElement> UploadDatasetAsync(string name, Stream csv, CancellationToken cancellationToken)
    {
        var content = new StreamContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return SendAsync(HttpMethod.Post, $"datasets/{Segment(name)}", content, cancellationToken);
    }

    /// <summary><c>GET /datasets/{name}</c>.</summary>
    public Task<JsonElement> GetDatasetAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"datasets/{Segment(name)}", null, cancellationToken);

    /// <summary><c>GET /datasets</c>.</summary>
    public Task<JsonElement> ListDatasetsAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "datasets", null, cancellationToken);

    /// <summary><c>POST /models/{name}/retrain</c>.</summary>
    public Task<JsonElement> StartRetrainingAsync(string name, RetrainRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"models/{Segment(name)}/retrain", Json(request, CliJsonContext.Default.RetrainRequest), cancellationToken);

    /// <summary><c>GET /models/{name}/retrainings</c>.</summary>
    public Task<JsonElement> ListRetrainingsAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"models/{Segment(name)}/retrainings", null, cancellationToken);

    /// <summary><c>GET /models/{name}/retrainings/{id}</c>.</summary>
    public Task<JsonElement> GetRetrainingAsync(string name, string instanceId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"models/{Segment(name)}/retrainings/{Segment(instanceId)}", null, cancellationToken);

    /// <summary>
    /// <c>POST /models/{name}/retrainings/{id}/{action}</c> with a reason, where <paramref name="action"/> is
    /// <c>approve</c>, <c>reject</c> or <c>terminate</c>.
    /// </summary>
    public Task<JsonElement> ActOnRetrainingAsync(string name, string instanceId, string action, string reason, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            $"models/{Segment(name)}/retrainings/{Segment(instanceId)}/{action}",
            Json(new ReasonRequest(reason), CliJsonContext.Default.ReasonRequest),
            cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static string AliasPath(string name, string alias) => $"models/{Segment(name)}/aliases/{Segment(alias)}";

    private static StringContent Json<T>(T body, JsonTypeInfo<T> typeInfo) =>
        new(JsonSerializer.Serialize(body, typeInfo), Encoding.UTF8, "application/json");

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var url = new Uri(_http.BaseAddress!, path);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ApiUnreachableException(url, ex.Message, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiUnreachableException(url, $"no answer within {_http.Timeout.TotalSeconds:0} s", ex);
        }

        using (response)
        {
            JsonElement? body = TryParse(text);
            if (response.IsSuccessStatusCode)
            {
                return body ?? throw new ApiException(
                    response.StatusCode, method.Method, url,
                    $"{method.Method} {url} answered {(int)response.StatusCode} with a body that is not JSON: {Quote(text)}", [], null);
            }

            string message = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String
                ? error.GetString()!
                : $"{method.Method} {url} answered {(int)response.StatusCode} {response.ReasonPhrase}{(text.Length > 0 ? ": " + Quote(text) : "")}";
            throw new ApiException(response.StatusCode, method.Method, url, message, FieldErrors(body), body);
        }
    }

    private static JsonElement? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<ApiFieldError> FieldErrors(JsonElement? body)
    {
        var errors = new List<ApiFieldError>();
        if (body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("errors", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in list.EnumerateArray())
            {
                errors.Add(new ApiFieldError(StringOf(item, "field"), StringOf(item, "message")));
            }
        }

        return errors;
    }

    private static string StringOf(JsonElement item, string property) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out JsonElement value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
            : "";

    private static string Quote(string text)
    {
        string trimmed = text.Trim();
        return trimmed.Length <= MaxQuotedBody ? trimmed : trimmed[..MaxQuotedBody] + "...";
    }
}
