using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Core.Explanations;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Cache;
using Serverless.Core.Serving.Execution;
using Serverless.Core.Serving.Protocol;
using Serverless.Core.Serving.Routing;
using Serverless.Core.Serving.Shadow;

namespace Serverless.Core.Serving;

/// <summary>
/// Answers the Open Inference Protocol's <c>infer</c> and model-ready calls and the records API's <c>predict</c>: checks
/// the model reference, resolves the version (the <c>production</c> alias unless one is named), borrows its model from
/// the cache, reads the request with the protocol's codec, runs it within the per-request limits and writes the answer
/// (never larger than <see cref="ServingOptions.MaxResponseBytes"/>). Every answer names the version and carries a
/// prediction id. A successful answer is offered to the <see cref="PredictionSampler"/> (when monitoring is registered),
/// which samples it at its model's rate, never blocks and never fails it. Every <c>infer</c> and <c>predict</c> call,
/// answered or failed, is counted and timed by <see cref="ServingMetrics"/>.
/// </summary>
public sealed class InferenceService
{
    /// <summary>The alias served when a request names no version.</summary>
    public const string ServingAlias = "production";

    private readonly ModelRegistry _registry;
    private readonly ModelCache _cache;
    private readonly ModelExecutor _executor;
    private readonly IMemoryCache _lookups;
    private readonly ServingOptions _options;
    private readonly AliasCache _aliases;
    private readonly PredictionSampler? _sampler;
    private readonly ServingMetrics _metrics;
    private readonly ExplanationService? _explanations;
    private readonly ShadowQueue? _shadows;

    internal InferenceService(
        ModelRegistry registry,
        ModelCache cache,
        ModelExecutor executor,
        IMemoryCache lookups,
        TimeProvider clock,
        IOptions<ServingOptions> options,
        ILogger<InferenceService> logger,
        ServingMetrics metrics,
        PredictionSampler? sampler = null,
        ExplanationService? explanations = null,
        ShadowQueue? shadows = null)
    {
        _shadows = shadows;
        _explanations = explanations;
        _metrics = metrics;
        _sampler = sampler;
        _registry = registry;
        _cache = cache;
        _executor = executor;
        _lookups = lookups;
        _options = options.Value;
        _aliases = new AliasCache(registry, clock, _options.AliasRefreshInterval, logger);
    }

    /// <summary>Largest request body accepted.</summary>
    public long MaxRequestBytes => _options.MaxRequestBytes;

    /// <summary>
    /// The version a request is for: <paramref name="version"/> if given, else the version <paramref name="alias"/> (by
    /// default <c>production</c>) points at, as read within the last <see cref="ServingOptions.AliasRefreshInterval"/>.
    /// </summary>
    /// <exception cref="InvalidRegistryArgumentException">The name, version or alias is not valid; nothing was read.</exception>
    /// <exception cref="ModelNotFoundException">No such model, version or alias.</exception>
    public async Task<ModelVersionInfo> ResolveAsync(string name, string? version, string? alias, CancellationToken cancellationToken)
    {
        return (await ResolveRouteAsync(name, version, alias, cancellationToken)).Main;
    }

    /// <summary>
    /// The versions a request may go to: an explicit <paramref name="version"/> alone (never split), else the alias's
    /// version with its canary and shadow, as read within the last <see cref="ServingOptions.AliasRefreshInterval"/>.
    /// </summary>
    internal async Task<ServingRoute> ResolveRouteAsync(string name, string? version, string? alias, CancellationToken cancellationToken)
    {
        if (ModelReference.Validate(name, version, alias) is int number)
        {
            // A version never changes once registered, so it may be kept as long as it is used.
            return (await _lookups.GetOrCreateAsync(("version", name, number), async entry =>
            {
                entry.SlidingExpiration = TimeSpan.FromMinutes(10);
                return new ServingRoute(await _registry.GetVersionAsync(name, number, cancellationToken));
            }))!;
        }

        return await _aliases.ResolveRouteAsync(name, alias ?? ServingAlias, cancellationToken);
    }

    /// <summary>
    /// The version that answers a records API request (<c>{"rows": [...]}</c>) as <see cref="PredictAsync"/> would route
    /// it: <paramref name="version"/> if given, else the alias's version, or its canary for the canary's weight of the
    /// requests, sticky by <paramref name="routingKey"/> (else by the body's top-level <c>routing_key</c>, else at random).
    /// So an explanation explains the version that would serve that caller.
    /// </summary>
    /// <exception cref="InvalidRegistryArgumentException">The name, version or alias is not valid; nothing was read.</exception>
    /// <exception cref="ModelNotFoundException">No such model, version or alias.</exception>
    /// <exception cref="InvalidInferenceRequestException">The body is not JSON, or its <c>routing_key</c> is not a string or number.</exception>
    public async Task<ModelVersionInfo> RouteRecordsAsync(
        string name, string? version, string? alias, ReadOnlyMemory<byte> body, string? routingKey, CancellationToken cancellationToken)
    {
        var route = await ResolveRouteAsync(name, version, alias, cancellationToken);
        if (route.Canary is null)
        {
            return route.Main;
        }

        if (routingKey is null)
        {
            using var document = JsonBody.Parse(body);
            routingKey = CanaryRouter.FromRecords(document.RootElement);
        }

        return route.Pick(routingKey);
    }

    /// <summary>Loads the version (if it is not loaded) so that it is ready to serve; returns it.</summary>
    public async Task<ModelVersionInfo> EnsureReadyAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var info = await ResolveAsync(name, version, null, cancellationToken);
        using var lease = await _cache.AcquireAsync(info, cancellationToken);
        return info;
    }

    /// <summary>
    /// Runs an Open Inference Protocol inference request; returns the response's UTF-8 JSON. Without a version the
    /// alias's route decides the version: its canary takes its weight of the requests, sticky by
    /// <paramref name="routingKey"/> (else by <c>parameters.routing_key</c>, else at random), and a copy of a request its
    /// own version answered goes to its shadow.
    /// </summary>
    /// <exception cref="InvalidInferenceRequestException">The request does not fit the model; the message says why.</exception>
    /// <exception cref="RequestLimitExceededException">The request asks for more than one request may cost.</exception>
    public async Task<ReadOnlyMemory<byte>> InferAsync(string name, string? version, ReadOnlyMemory<byte> body, CancellationToken cancellationToken, string? routingKey = null)
    {
        long start = Stopwatch.GetTimestamp();
        ModelVersionInfo? info = null;
        try
        {
            var route = await ResolveRouteAsync(name, version, null, cancellationToken);
            info = route.Main;
            using var request = InferenceBody.Parse(body);
            request.CheckForm();
            if (route.Canary is not null)
            {
                info = route.Pick(routingKey ?? request.RoutingKey());
            }

            var response = await RunInferenceAsync(info, request, cancellationToken);
            var sampled = _sampler?.SampleInference(info, body, response);
            Shadow(route, info, ServingMetrics.OpenInference, body, response, sampled);
            _metrics.RecordSuccess(info, ServingMetrics.OpenInference, start);
            return response;
        }
        catch (Exception ex) when (_metrics.RecordFailure(name, info, ServingMetrics.OpenInference, ex, start, cancellationToken))
        {
            throw; // Not reached: the filter records the failure and declines it.
        }
    }

    /// <summary>
    /// Runs a records API request (<c>{"rows": [{feature: value}]}</c>); returns the response's UTF-8 JSON. With
    /// <paramref name="explain"/>, the answer also carries <c>explanations</c>, one per prediction with its id.
    /// </summary>
    /// <exception cref="InvalidInferenceRequestException">The rows do not fit the model; the message says why.</exception>
    /// <exception cref="RequestLimitExceededException">The request asks for more than one request may cost.</exception>
    /// <exception cref="ExplanationUnavailableException">Explanations were asked for and the version cannot be explained.</exception>
    public async Task<ReadOnlyMemory<byte>> PredictAsync(
        string name, string? version, string? alias, ReadOnlyMemory<byte> body, CancellationToken cancellationToken, bool explain = false, string? routingKey = null)
    {
        long start = Stopwatch.GetTimestamp();
        ModelVersionInfo? info = null;
        try
        {
            var route = await ResolveRouteAsync(name, version, alias, cancellationToken);
            info = route.Main;
            using var document = JsonBody.Parse(body);
            if (route.Canary is not null)
            {
                info = route.Pick(routingKey ?? CanaryRouter.FromRecords(document.RootElement));
            }

            JsonElement[] rows = Rows(document.RootElement);
            var response = await RunRecordsAsync(info, rows, explain, cancellationToken);
            var sampled = _sampler?.SampleRecords(info, rows, response);
            Shadow(route, info, ServingMetrics.Records, body, response, sampled);
            _metrics.RecordSuccess(info, ServingMetrics.Records, start);
            return response;
        }
        catch (Exception ex) when (_metrics.RecordFailure(name, info, ServingMetrics.Records, ex, start, cancellationToken))
        {
            throw; // Not reached: the filter records the failure and declines it.
        }
    }

    /// <summary>Answers a copy of a request with its shadow version, as <see cref="InferAsync"/> or <see cref="PredictAsync"/> would, but unsampled and uncounted.</summary>
    internal async Task<ReadOnlyMemory<byte>> RunShadowAsync(ShadowRequest request, CancellationToken cancellationToken)
    {
        if (request.Protocol == ServingMetrics.Records)
        {
            using var document = JsonBody.Parse(request.Body);
            return await RunRecordsAsync(request.Shadow, Rows(document.RootElement), explain: false, cancellationToken);
        }

        using var body = InferenceBody.Parse(request.Body);
        return await RunInferenceAsync(request.Shadow, body, cancellationToken);
    }

    /// <summary>What this instance's model cache holds and has done.</summary>
    public ModelCacheStatistics GetCacheStatistics() => _cache.GetStatistics();

    private static JsonElement[] Rows(JsonElement request)
    {
        if (!request.TryGetProperty("rows", out var rowsElement) || rowsElement.ValueKind != JsonValueKind.Array || rowsElement.GetArrayLength() == 0)
        {
            throw new InvalidInferenceRequestException("The request needs 'rows': an array of objects, one per row, mapping feature names to values.");
        }

        return [.. rowsElement.EnumerateArray()];
    }

    private async Task<ReadOnlyMemory<byte>> RunInferenceAsync(ModelVersionInfo info, InferenceBody body, CancellationToken cancellationToken)
    {
        using var lease = await _cache.AcquireAsync(info, cancellationToken);
        using var request = OpenInferenceCodec.Read(body, lease.Model);
        using var results = _executor.Run(lease.Model, request.InputNames, request.Inputs, request.OutputNames, cancellationToken);
        var buffer = new BoundedBufferWriter(_options.MaxResponseBytes, 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            OpenInferenceCodec.WriteResponse(writer, info, request, NewPredictionId(), results);
        }

        return buffer.WrittenMemory;
    }

    private async Task<ReadOnlyMemory<byte>> RunRecordsAsync(ModelVersionInfo info, JsonElement[] rows, bool explain, CancellationToken cancellationToken)
    {
        using var lease = await _cache.AcquireAsync(info, cancellationToken);
        var model = lease.Model;
        var plan = model.RecordsPlan;
        var explained = explain
            ? await (_explanations ?? throw new ExplanationUnavailableException("Explanations are not set up in this app.")).ExplainAsync(info, model, rows, cancellationToken)
            : default;
        var ids = new List<string>(rows.Length);
        var buffer = new BoundedBufferWriter(_options.MaxResponseBytes, 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", info.Name);
            writer.WriteString("model_version", info.Version.ToString(CultureInfo.InvariantCulture));
            writer.WriteStartArray("predictions");
            foreach (var batch in RecordsCodec.Batches(model, rows))
            {
                var inputs = RecordsCodec.ReadInputs(model, batch);
                try
                {
                    using var results = _executor.Run(model, plan.InputNames, inputs, plan.Roles.Outputs, cancellationToken);
                    RecordsCodec.WritePredictions(writer, model, results.Values, batch.Count, () => Remember(ids, NewPredictionId()));
                }
                finally
                {
                    inputs.ForEach(v => v.Dispose());
                }
            }

            writer.WriteEndArray();
            if (explained.Explainer is not null)
            {
                ExplanationService.Write(writer, explained.Explainer, explained.Rows, ids);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>Queues a copy of a request that the alias's own version answered for its shadow, if it has one. Never blocks.</summary>
    private void Shadow(
        ServingRoute route, ModelVersionInfo answered, string protocol, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte> response, IReadOnlyList<PredictionSample>? sampled)
    {
        if (route.Shadow is { } shadow && _shadows is not null && ReferenceEquals(answered, route.Main))
        {
            // Copies: the buffers are the caller's once the answer is returned.
            _shadows.Offer(new ShadowRequest(route.Alias!, answered.Version, shadow, protocol, body.ToArray(), response.ToArray(), sampled));
        }
    }

    private static string NewPredictionId() => Guid.CreateVersion7().ToString();

    private static string Remember(List<string> ids, string id)
    {
        ids.Add(id);
        return id;
    }
}
