using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving;

/// <summary>
/// Answers the Open Inference Protocol's <c>infer</c> and model-ready calls and the records API's <c>predict</c>: resolves
/// the version (the <c>production</c> alias unless one is named), borrows its model from the <see cref="ModelCache"/>,
/// checks the request against the model's graph and runs it. Every answer names the version and carries a prediction id.
/// </summary>
public sealed class InferenceService(ModelRegistry registry, ModelCache cache, IMemoryCache lookups, TimeProvider clock, IOptions<ServingOptions> options)
{
    /// <summary>The alias served when a request names no version.</summary>
    public const string ServingAlias = "production";

    // Shared by every run: the options are only read, and creating them per call costs a native allocation.
    private static readonly RunOptions DefaultRunOptions = new();

    private readonly ServingOptions _options = options.Value;
    private readonly AliasCache _aliases = new(registry, clock, options.Value.AliasRefreshInterval);

    /// <summary>Largest request body accepted.</summary>
    public long MaxRequestBytes => _options.MaxRequestBytes;

    /// <summary>
    /// The version a request is for: <paramref name="version"/> if given, else the version <paramref name="alias"/> (by
    /// default <c>production</c>) points at, refreshed in the background once older than <see cref="ServingOptions.AliasRefreshInterval"/>.
    /// </summary>
    /// <exception cref="ModelNotFoundException">No such model, version or alias.</exception>
    public async Task<ModelVersionInfo> ResolveAsync(string name, string? version, string? alias, CancellationToken cancellationToken)
    {
        if (version is not null)
        {
            if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1)
            {
                throw new ModelNotFoundException($"Model '{name}' has no version '{version}': versions are numbers 1, 2, 3...");
            }

            // A version never changes once registered, so it may be kept as long as it is used.
            return (await lookups.GetOrCreateAsync(("version", name, number), async entry =>
            {
                entry.SlidingExpiration = TimeSpan.FromMinutes(10);
                return await registry.GetVersionAsync(name, number, cancellationToken);
            }))!;
        }

        return await _aliases.ResolveAsync(name, alias ?? ServingAlias, cancellationToken);
    }

    /// <summary>Loads the version (if it is not loaded) so that it is ready to serve; returns it.</summary>
    public async Task<ModelVersionInfo> EnsureReadyAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var info = await ResolveAsync(name, version, null, cancellationToken);
        using var lease = await cache.AcquireAsync(info, cancellationToken);
        return info;
    }

    /// <summary>Runs an Open Inference Protocol inference request; returns the response's UTF-8 JSON.</summary>
    /// <exception cref="InvalidInferenceRequestException">The request does not fit the model; the message says why.</exception>
    public async Task<byte[]> InferAsync(string name, string? version, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var info = await ResolveAsync(name, version, null, cancellationToken);
        using var document = Parse(body);
        var root = document.RootElement;
        string? id = OptionalString(root, "id");
        if (root.TryGetProperty("parameters", out var parameters) && parameters.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInferenceRequestException("'parameters' must be a JSON object.");
        }

        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            throw new InvalidInferenceRequestException("The request needs 'inputs': an array of {\"name\", \"shape\", \"datatype\", \"data\"} objects.");
        }

        using var lease = await cache.AcquireAsync(info, cancellationToken);
        var session = lease.Model.Session;
        var outputNames = RequestedOutputs(root, lease.Model);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in inputs.EnumerateArray())
            {
                var (inputName, value) = ReadInput(input, session);
                if (names.Contains(inputName))
                {
                    throw new InvalidInferenceRequestException($"Input '{inputName}' is given twice.");
                }

                names.Add(inputName);
                values.Add(value);
            }

            var missing = session.InputNames.Except(names).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidInferenceRequestException($"Missing input(s): {string.Join(", ", missing)}. The model's inputs are: {string.Join(", ", session.InputNames)}.");
            }

            using var results = Run(session, names, values, outputNames);
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("model_name", info.Name);
                writer.WriteString("model_version", info.Version.ToString(CultureInfo.InvariantCulture));
                if (id is not null)
                {
                    writer.WriteString("id", id);
                }

                writer.WriteStartObject("parameters");
                writer.WriteString("prediction_id", NewPredictionId());
                writer.WriteEndObject();
                writer.WriteStartArray("outputs");
                int i = 0;
                foreach (var result in results)
                {
                    TensorCodec.WriteOutput(writer, outputNames[i++], result);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    /// <summary>Runs a records API request (<c>{"rows": [{feature: value}]}</c>); returns the response's UTF-8 JSON.</summary>
    /// <exception cref="InvalidInferenceRequestException">The rows do not fit the model; the message says why.</exception>
    public async Task<byte[]> PredictAsync(string name, string? version, string? alias, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var info = await ResolveAsync(name, version, alias, cancellationToken);
        using var document = Parse(body);
        if (!document.RootElement.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array || rows.GetArrayLength() == 0)
        {
            throw new InvalidInferenceRequestException("The request needs 'rows': an array of objects, one per row, mapping feature names to values.");
        }

        using var lease = await cache.AcquireAsync(info, cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", info.Name);
            writer.WriteString("model_version", info.Version.ToString(CultureInfo.InvariantCulture));
            writer.WriteStartArray("predictions");
            RecordsCodec.Predict(lease.Model, [.. rows.EnumerateArray()], writer, NewPredictionId);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Runs the session, turning ONNX Runtime's refusal of the data into the caller's error.</summary>
    internal static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, IReadOnlyCollection<string> names, IReadOnlyCollection<OrtValue> values, IReadOnlyCollection<string> outputs)
    {
        try
        {
            return session.Run(DefaultRunOptions, names, values, outputs);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidInferenceRequestException($"The model could not run on this input: {ex.Message}", ex);
        }
    }

    private static string NewPredictionId() => Guid.CreateVersion7().ToString();

    private static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new InvalidInferenceRequestException("The body must be a JSON object.");
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw new InvalidInferenceRequestException($"The body is not valid JSON: {ex.Message}", ex);
        }
    }

    private static string? OptionalString(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new InvalidInferenceRequestException($"'{property}' must be a string.");
    }

    private static List<string> RequestedOutputs(JsonElement root, LoadedModel model)
    {
        if (!root.TryGetProperty("outputs", out var outputs) || outputs.ValueKind == JsonValueKind.Null)
        {
            return [.. model.OutputNames];
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidInferenceRequestException("'outputs' must be an array of {\"name\": ...} objects.");
        }

        var names = new List<string>();
        foreach (var output in outputs.EnumerateArray())
        {
            string? name = output.ValueKind == JsonValueKind.Object ? OptionalString(output, "name") : null;
            if (name is null || !model.OutputNames.Contains(name))
            {
                throw new InvalidInferenceRequestException($"Unknown output {(name is null ? output.GetRawText() : $"'{name}'")}. The model's outputs are: {string.Join(", ", model.OutputNames)}.");
            }

            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names.Count > 0 ? names : [.. model.OutputNames];
    }

    private static (string Name, OrtValue Value) ReadInput(JsonElement input, InferenceSession session)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInferenceRequestException("Each input must be an object with \"name\", \"shape\", \"datatype\" and \"data\".");
        }

        string name = OptionalString(input, "name") ?? throw new InvalidInferenceRequestException("An input has no 'name'.");
        if (!session.InputMetadata.TryGetValue(name, out var spec))
        {
            throw new InvalidInferenceRequestException($"Unknown input '{name}'. The model's inputs are: {string.Join(", ", session.InputNames)}.");
        }

        if (spec.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            throw new InvalidInferenceRequestException($"Input '{name}' is an ONNX {spec.OnnxValueType}; only tensor inputs can be sent as JSON.");
        }

        string expected = OnnxModelInspector.Datatype(spec.ElementDataType);
        string? datatype = OptionalString(input, "datatype");
        if (datatype != expected)
        {
            throw new InvalidInferenceRequestException($"Input '{name}' has datatype {datatype ?? "(none)"}, but the model takes {expected}.");
        }

        if (!input.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidInferenceRequestException($"Input '{name}' needs a 'shape': an array of dimensions.");
        }

        var shape = new long[shapeElement.GetArrayLength()];
        long count = 1;
        int d = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out shape[d]) || shape[d] < 0)
            {
                throw new InvalidInferenceRequestException($"Input '{name}': shape {shapeElement.GetRawText()} must hold whole numbers of zero or more.");
            }

            count = shape[d] == 0 || count <= int.MaxValue / shape[d] ? count * shape[d] : int.MaxValue + 1L;
            d++;
        }

        if (count > int.MaxValue)
        {
            throw new InvalidInferenceRequestException($"Input '{name}': shape {shapeElement.GetRawText()} holds more values than a request can carry.");
        }

        var dims = spec.Dimensions;
        if (shape.Length != dims.Length || shape.Where((n, i) => dims[i] >= 0 && dims[i] != n).Any())
        {
            throw new InvalidInferenceRequestException(
                $"Input '{name}' has shape [{string.Join(", ", shape)}], but the model takes [{string.Join(", ", dims)}] (-1: any size).");
        }

        if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidInferenceRequestException($"Input '{name}' needs 'data': an array of {count} values.");
        }

        int length = TensorCodec.CountLeaves(data);
        if (length != count)
        {
            throw new InvalidInferenceRequestException($"Input '{name}' has {length} values, but shape [{string.Join(", ", shape)}] needs {count}.");
        }

        var leaves = new List<JsonElement>(length);
        TensorCodec.AddLeaves(data, leaves);
        return (name, TensorCodec.CreateTensor(spec.ElementDataType, shape, leaves, $"Input '{name}'"));
    }
}
