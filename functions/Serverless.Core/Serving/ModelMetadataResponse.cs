using System.Globalization;
using System.Text.Json.Serialization;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving;

/// <summary>The Open Inference Protocol's model metadata (<c>GET /v2/models/{name}[/versions/{version}]</c>).</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Versions">The version this metadata describes, as the protocol's strings.</param>
/// <param name="Platform">The runtime that serves it.</param>
/// <param name="Inputs">The model's inputs.</param>
/// <param name="Outputs">The model's outputs; non-tensor outputs carry the datatype <c>SEQUENCE</c> or <c>MAP</c>.</param>
public sealed record ModelMetadataResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("versions")] IReadOnlyList<string> Versions,
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("inputs")] IReadOnlyList<TensorMetadata> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<TensorMetadata> Outputs)
{
    /// <summary>The metadata of a registered version.</summary>
    public static ModelMetadataResponse From(ModelVersionInfo version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new(
            version.Name,
            [version.Version.ToString(CultureInfo.InvariantCulture)],
            "onnxruntime_onnx",
            version.Signature.Inputs.Select(TensorMetadata.From).ToList(),
            version.Signature.Outputs.Select(TensorMetadata.From).ToList());
    }
}
