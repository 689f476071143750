using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Artifacts;
using Serverless.Core.Serving.Cache;
using Serverless.Core.Serving.Execution;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Explanations;

/// <summary>
/// Per-prediction explanations: for each row of a records API request, per-input attributions that sum to the model's
/// output minus a baseline expectation, with the output's space, the method and the baseline named. The background is
/// drawn from the version's training baseline (<see cref="MonitoringBaselineStore"/>); an explainer per version is built
/// on first use and kept while it is used.
/// </summary>
public sealed class ExplanationService : IDisposable
{
    private readonly ModelCache _cache;
    private readonly ArtifactStore _artifacts;
    private readonly MonitoringBaselineStore _baselines;
    private readonly IMemoryCache _explainers;
    private readonly ExplanationOptions _options;
    private readonly ServingOptions _serving;
    private readonly SemaphoreSlim _building = new(1, 1);

    private const int ImportanceKernelRows = 16;

    internal ExplanationService(
        ModelCache cache,
        ArtifactStore artifacts,
        MonitoringBaselineStore baselines,
        IMemoryCache explainers,
        IOptions<ExplanationOptions> options,
        IOptions<ServingOptions> serving)
    {
        _cache = cache;
        _artifacts = artifacts;
        _baselines = baselines;
        _explainers = explainers;
        _options = options.Value;
        _serving = serving.Value;
    }

    /// <summary>Explains a records API request's rows (<c>{"rows": [{feature: value}]}</c>) on <paramref name="info"/>; returns the answer's UTF-8 JSON.</summary>
    /// <exception cref="InvalidInferenceRequestException">The rows do not fit the model; the message says why.</exception>
    /// <exception cref="ExplanationUnavailableException">The version cannot be explained; the message says why.</exception>
    public async Task<ReadOnlyMemory<byte>> ExplainAsync(ModelVersionInfo info, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        using var document = JsonBody.Parse(body);
        var rows = Rows(document.RootElement);
        using var lease = await _cache.AcquireAsync(info, cancellationToken);
        var (explainer, explanations) = await ExplainAsync(info, lease.Model, rows, cancellationToken);
        var buffer = new BoundedBufferWriter(_serving.MaxResponseBytes, 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", info.Name);
            writer.WriteString("model_version", info.Version.ToString(CultureInfo.InvariantCulture));
            Write(writer, explainer, explanations, [.. explanations.Select(_ => Guid.CreateVersion7().ToString())]);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>
    /// A version's global feature importance, what an approver weighs beside its metrics and fairness figures: each
    /// input's mean absolute attribution over the background drawn from its training baseline; returns the answer's
    /// UTF-8 JSON.
    /// </summary>
    /// <exception cref="ExplanationUnavailableException">The version cannot be explained; the message says why.</exception>
    public async Task<ReadOnlyMemory<byte>> ImportanceAsync(ModelVersionInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        var importance = await ComputeImportanceAsync(info, cancellationToken);
        var buffer = new BoundedBufferWriter(_serving.MaxResponseBytes, 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", info.Name);
            writer.WriteString("model_version", info.Version.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("method", importance.Method);
            writer.WriteString("space", importance.Space);
            writer.WriteString("measure", importance.Measure);
            writer.WriteString("baseline_description", importance.BaselineDescription);
            writer.WriteStartArray("importance");
            foreach (var feature in importance.Features)
            {
                writer.WriteStartObject();
                writer.WriteString("feature", feature.Feature);
                writer.WriteNumber("importance", feature.Importance);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>
    /// A version's global feature importance (every input, largest first): deterministic for a version, since the
    /// background is drawn from its training baseline with a fixed seed.
    /// </summary>
    /// <exception cref="ExplanationUnavailableException">The version cannot be explained; the message says why.</exception>
    public async Task<GlobalImportance> ComputeImportanceAsync(ModelVersionInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        using var lease = await _cache.AcquireAsync(info, cancellationToken);
        var explainer = await GetExplainerAsync(info, lease.Model, cancellationToken);

        // Kernel SHAP costs a model run per coalition and background row, so it averages over fewer rows.
        var (importance, rows) = explainer.Importance(explainer.Method == "kernel-shap" ? ImportanceKernelRows : _options.BackgroundRows);
        return new GlobalImportance(
            explainer.Method,
            explainer.Space,
            string.Create(CultureInfo.InvariantCulture, $"mean absolute attribution over {rows} background rows"),
            explainer.BaselineDescription,
            importance.Count,
            [.. importance.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new FeatureImportance(kv.Key, kv.Value))]);
    }

    /// <inheritdoc/>
    public void Dispose() => _building.Dispose();

    /// <summary>The rows of a records API request.</summary>
    /// <exception cref="InvalidInferenceRequestException">There are none.</exception>
    internal static JsonElement[] Rows(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array || rows.GetArrayLength() == 0)
        {
            throw new InvalidInferenceRequestException("The request needs 'rows': an array of objects, one per row, mapping feature names to values.");
        }

        return [.. rows.EnumerateArray()];
    }

    /// <summary>Explains <paramref name="rows"/> on the loaded <paramref name="model"/> of <paramref name="info"/>.</summary>
    internal async Task<(ModelExplainer Explainer, IReadOnlyList<RowExplanation> Rows)> ExplainAsync(
        ModelVersionInfo info, LoadedModel model, IReadOnlyList<JsonElement> rows, CancellationToken cancellationToken)
    {
        if (rows.Count > _options.MaxRows)
        {
            throw new InvalidInferenceRequestException(string.Create(
                CultureInfo.InvariantCulture,
                $"The request asks to explain {rows.Count} rows; one request explains at most {_options.MaxRows} (Explanations__MaxRows): split the rows into requests of at most {_options.MaxRows} each."));
        }

        var features = Read(model, rows);
        var explainer = await GetExplainerAsync(info, model, cancellationToken);
        return (explainer, ExplainWithin(explainer, features, _options.MaxRunTime, cancellationToken));
    }

    /// <summary>Explains <paramref name="rows"/> within <paramref name="limit"/> (<see cref="ExplanationOptions.MaxRunTime"/>).</summary>
    /// <exception cref="RequestLimitExceededException">It took longer; the message says what to send instead.</exception>
    /// <exception cref="OperationCanceledException">The caller went away.</exception>
    internal static IReadOnlyList<RowExplanation> ExplainWithin(ModelExplainer explainer, FeatureRows rows, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit <= TimeSpan.Zero)
        {
            // CancelAfter(0) still waits for a timer on the thread pool, which a busy pool may run only after the work ends.
            budget.Cancel();
        }
        else
        {
            budget.CancelAfter(limit);
        }

        try
        {
            return explainer.Explain(rows, budget.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            string fewer = explainer.Method == "kernel-shap" ? " (this model is explained by Kernel SHAP, whose cost per row grows with Explanations__KernelSamples and Explanations__KernelBackgroundRows)" : "";
            throw new RequestLimitExceededException(string.Create(
                CultureInfo.InvariantCulture,
                $"Explaining {rows.Count} rows took longer than the {limit.TotalSeconds:0.###} s one request may take (Explanations__MaxRunTime) and was stopped{fewer}: explain fewer rows per request."));
        }
    }

    /// <summary>Writes <c>"explanations": [...]</c>, one per row, each carrying its prediction id.</summary>
    internal static void Write(Utf8JsonWriter writer, ModelExplainer explainer, IReadOnlyList<RowExplanation> explanations, IReadOnlyList<string> predictionIds)
    {
        writer.WriteStartArray("explanations");
        for (int r = 0; r < explanations.Count; r++)
        {
            var row = explanations[r];
            writer.WriteStartObject();
            writer.WriteString("prediction_id", predictionIds[r]);
            writer.WriteNumber("output", row.Output);
            writer.WriteNumber("baseline", row.Baseline);
            writer.WriteString("space", explainer.Space);
            writer.WriteString("space_description", explainer.SpaceDescription);
            writer.WriteString("method", explainer.Method);
            writer.WriteString("baseline_description", explainer.BaselineDescription);
            WriteAttributions(writer, row.Attributions);
            if (row.Classes is { } classes)
            {
                // Multiclass: the attributions above are the predicted class's; here every class's, in the same space.
                writer.WriteString("class", row.Class);
                writer.WriteStartObject("classes");
                foreach (var c in classes)
                {
                    writer.WriteStartObject(c.Class);
                    writer.WriteNumber("output", c.Output);
                    writer.WriteNumber("baseline", c.Baseline);
                    WriteAttributions(writer, c.Attributions);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteAttributions(Utf8JsonWriter writer, IReadOnlyDictionary<string, double> attributions)
    {
        writer.WriteStartObject("attributions");
        foreach (var (feature, value) in attributions)
        {
            writer.WriteNumber(feature, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>The explainer of <paramref name="info"/>, built on first use.</summary>
    internal async Task<ModelExplainer> GetExplainerAsync(ModelVersionInfo info, LoadedModel model, CancellationToken cancellationToken)
    {
        var key = ("explainer", info.Name, info.Version, info.Sha256);
        if (_explainers.TryGetValue(key, out ModelExplainer? cached) && cached is not null)
        {
            return cached;
        }

        await _building.WaitAsync(cancellationToken);
        try
        {
            return _explainers.TryGetValue(key, out cached) && cached is not null ? cached : await BuildAsync(info, model, key, cancellationToken);
        }
        finally
        {
            _building.Release();
        }
    }

    private async Task<ModelExplainer> BuildAsync(ModelVersionInfo info, LoadedModel model, object key, CancellationToken cancellationToken)
    {
        var baseline = await _baselines.FindAsync(info.Name, info.Version, cancellationToken)
            ?? throw new ExplanationUnavailableException(string.Create(
                CultureInfo.InvariantCulture,
                $"Model '{info.Name}' version {info.Version} has no training baseline (it was registered by hand, and no earlier version was trained by the retraining line), so there is no background to measure attributions against. Explain a version the retraining line trained (POST /models/{info.Name}/retrain)."));
        var plan = model.RecordsPlan;
        var background = Read(model, BackgroundSample.Draw(baseline, [.. plan.Inputs.Select(i => (i.Key, i.Value.ElementDataType))], _options.BackgroundRows));
        byte[] onnx = await File.ReadAllBytesAsync(await _artifacts.GetPathAsync(info, cancellationToken), cancellationToken);
        var explainer = ModelExplainer.Create(onnx, plan, background, BackgroundSample.Describe(baseline, _options.BackgroundRows), _options.KernelBackgroundRows, _options.KernelSamples);
        var options = new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) }
            .RegisterPostEvictionCallback(static (_, value, _, _) => (value as ModelExplainer)?.Dispose());
        return _explainers.Set(key, explainer, options);
    }

    private static FeatureRows Read(LoadedModel model, IReadOnlyList<JsonElement> rows)
    {
        var plan = model.RecordsPlan;
        _ = RecordsCodec.Batches(model, rows); // The same checks, and answers, as predict.
        if (!plan.Batched)
        {
            throw new ExplanationUnavailableException("The model's first dimension is fixed, so it cannot run the many rows an explanation needs at once; explanations need a graph whose inputs' first dimension is open.");
        }

        var inputs = RecordsCodec.ReadInputs(model, rows);
        try
        {
            return FeatureRows.From(plan.InputNames, inputs, rows.Count);
        }
        finally
        {
            inputs.ForEach(v => v.Dispose());
        }
    }
}
