using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Serving.Protocol;

/// <summary>
/// The Open Inference Protocol's <c>infer</c> request and response in JSON: the request read and checked against the
/// model's graph (names, datatypes, shapes, values) into ONNX Runtime tensors, and the outputs written back.
/// </summary>
internal static class OpenInferenceCodec
{
    /// <summary>Checks that the body has the request's form before a model is borrowed for it.</summary>
    /// <exception cref="InvalidInferenceRequestException">The body is not an inference request.</exception>
    public static void CheckForm(JsonElement root)
    {
        OptionalString(root, "id");
        if (root.TryGetProperty("parameters", out var parameters) && parameters.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInferenceRequestException("'parameters' must be a JSON object.");
        }

        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            throw new InvalidInferenceRequestException("The request needs 'inputs': an array of {\"name\", \"shape\", \"datatype\", \"data\"} objects.");
        }
    }

    /// <summary>Reads the request against the model's graph; the caller disposes the result.</summary>
    /// <exception cref="InvalidInferenceRequestException">The request does not fit the model; the message says why.</exception>
    public static InferenceRequest Read(JsonElement root, LoadedModel model)
    {
        CheckForm(root);
        var session = model.Session;
        var outputNames = RequestedOutputs(root, model);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in root.GetProperty("inputs").EnumerateArray())
            {
                var (inputName, value) = ReadInput(input, session);
                values.Add(value);
                if (names.Contains(inputName))
                {
                    throw new InvalidInferenceRequestException($"Input '{inputName}' is given twice.");
                }

                names.Add(inputName);
            }

            var missing = session.InputNames.Except(names).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidInferenceRequestException($"Missing input(s): {string.Join(", ", missing)}. The model's inputs are: {string.Join(", ", session.InputNames)}.");
            }

            return new InferenceRequest(OptionalString(root, "id"), names, values, outputNames);
        }
        catch
        {
            values.ForEach(v => v.Dispose());
            throw;
        }
    }

    /// <summary>Writes the response: the version that answered, the request's id, a prediction id and the outputs.</summary>
    public static void WriteResponse(Utf8JsonWriter writer, ModelVersionInfo version, InferenceRequest request, string predictionId, IReadOnlyList<OrtValue> results)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name", version.Name);
        writer.WriteString("model_version", version.Version.ToString(CultureInfo.InvariantCulture));
        if (request.Id is not null)
        {
            writer.WriteString("id", request.Id);
        }

        writer.WriteStartObject("parameters");
        writer.WriteString("prediction_id", predictionId);
        writer.WriteEndObject();
        writer.WriteStartArray("outputs");
        for (int i = 0; i < results.Count; i++)
        {
            TensorCodec.WriteOutput(writer, request.OutputNames[i], results[i]);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
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

        string what = $"Input '{name}'";
        if (!input.TryGetProperty("data", out var data))
        {
            throw new InvalidInferenceRequestException($"{what} needs 'data': an array of {count} values.");
        }

        var leaves = TensorCodec.ReadData(data, shape, count, what);
        return (name, TensorCodec.CreateTensor(spec.ElementDataType, shape, leaves, what));
    }
}
