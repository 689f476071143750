using System.Globalization;
using System.Text;
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
    /// <summary>Reads the request against the model's graph into ONNX Runtime tensors; the caller disposes the result (before the body).</summary>
    /// <exception cref="InvalidInferenceRequestException">The request does not fit the model; the message says why.</exception>
    public static InferenceRequest Read(InferenceBody body, LoadedModel model)
    {
        body.CheckForm();
        var session = model.Session;
        var outputNames = RequestedOutputs(body, model);
        var inputs = body.Inputs!;
        var names = new List<string>(inputs.Count);
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var input in inputs)
            {
                var (inputName, value) = ReadInput(input, body.Json, session);
                values.Add(value);
                if (names.Contains(inputName))
                {
                    throw new InvalidInferenceRequestException($"Input '{inputName}' is given twice.");
                }

                names.Add(inputName);
            }

            // Every name is the model's and none is given twice: fewer names than the model's inputs means some are missing.
            if (names.Count < session.InputNames.Count)
            {
                var missing = session.InputNames.Except(names).ToList();
                throw new InvalidInferenceRequestException($"Missing input(s): {string.Join(", ", missing)}. The model's inputs are: {string.Join(", ", session.InputNames)}.");
            }

            return new InferenceRequest(body.Id, names, values, outputNames);
        }
        catch
        {
            values.ForEach(v => v.Dispose());
            throw;
        }
    }

    /// <summary>Writes the response: the version that answered, the request's id, a prediction id and the outputs.</summary>
    public static void WriteResponse(Utf8JsonWriter writer, ModelVersionInfo version, InferenceRequest request, string predictionId, RunResults results)
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
        for (int i = 0; i < results.Values.Count; i++)
        {
            TensorCodec.WriteOutput(writer, request.OutputNames[i], results.Values[i], results.Tensors[i]);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static List<string> RequestedOutputs(InferenceBody body, LoadedModel model)
    {
        if (body.OutputsNotArray)
        {
            throw new InvalidInferenceRequestException("'outputs' must be an array of {\"name\": ...} objects.");
        }

        if (body.Outputs is null)
        {
            return [.. model.OutputNames];
        }

        var names = new List<string>();
        foreach (var output in body.Outputs)
        {
            if (output.IsObject && output.NameNotString)
            {
                throw new InvalidInferenceRequestException("'name' must be a string.");
            }

            string? name = output.IsObject ? output.Name : null;
            if (name is null || !model.OutputNames.Contains(name))
            {
                throw new InvalidInferenceRequestException($"Unknown output {(name is null ? body.Text(output.Start, output.Length) : $"'{name}'")}. The model's outputs are: {string.Join(", ", model.OutputNames)}.");
            }

            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names.Count > 0 ? names : [.. model.OutputNames];
    }

    private static (string Name, OrtValue Value) ReadInput(InferenceBody.Input input, ReadOnlyMemory<byte> json, InferenceSession session)
    {
        if (!input.IsObject)
        {
            throw new InvalidInferenceRequestException("Each input must be an object with \"name\", \"shape\", \"datatype\" and \"data\".");
        }

        if (input.NameNotString)
        {
            throw new InvalidInferenceRequestException("'name' must be a string.");
        }

        string name = input.Name ?? throw new InvalidInferenceRequestException("An input has no 'name'.");
        if (!session.InputMetadata.TryGetValue(name, out var spec))
        {
            throw new InvalidInferenceRequestException($"Unknown input '{name}'. The model's inputs are: {string.Join(", ", session.InputNames)}.");
        }

        if (spec.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            throw new InvalidInferenceRequestException($"Input '{name}' is an ONNX {spec.OnnxValueType}; only tensor inputs can be sent as JSON.");
        }

        if (input.DatatypeNotString)
        {
            throw new InvalidInferenceRequestException("'datatype' must be a string.");
        }

        string expected = OnnxModelInspector.Datatype(spec.ElementDataType);
        if (input.Datatype != expected)
        {
            throw new InvalidInferenceRequestException($"Input '{name}' has datatype {input.Datatype ?? "(none)"}, but the model takes {expected}.");
        }

        if (input.Shape is not { } shape)
        {
            throw new InvalidInferenceRequestException($"Input '{name}' needs a 'shape': an array of dimensions.");
        }

        if (!input.ShapeValid)
        {
            throw new InvalidInferenceRequestException($"Input '{name}': shape {RawShape(input, json)} must hold whole numbers of zero or more.");
        }

        if (input.Count > int.MaxValue)
        {
            throw new InvalidInferenceRequestException($"Input '{name}': shape {RawShape(input, json)} holds more values than a request can carry.");
        }

        var dims = spec.Dimensions;
        if (!Fits(shape, dims))
        {
            throw new InvalidInferenceRequestException(
                $"Input '{name}' has shape [{string.Join(", ", shape)}], but the model takes [{string.Join(", ", dims)}] (-1: any size).");
        }

        if (!input.HasData)
        {
            throw new InvalidInferenceRequestException(string.Create(CultureInfo.InvariantCulture, $"Input '{name}' needs 'data': an array of {input.Count} values."));
        }

        var decoder = TensorDecoder.For(expected) ?? throw new InvalidInferenceRequestException($"Input '{name}': tensors of {spec.ElementDataType} are not supported.");
        var values = input.Decode(decoder, json, out string? error) ?? throw new InvalidInferenceRequestException($"Input '{name}'{error}");
        return (name, values.CreateTensor(shape));
    }

    private static bool Fits(long[] shape, int[] dims)
    {
        if (shape.Length != dims.Length)
        {
            return false;
        }

        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] >= 0 && dims[i] != shape[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string RawShape(InferenceBody.Input input, ReadOnlyMemory<byte> json) =>
        Encoding.UTF8.GetString(json.Span.Slice(input.ShapeStart, input.ShapeLength));
}
