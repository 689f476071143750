using System.Text.Json.Serialization;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving;

/// <summary>The Open Inference Protocol's tensor metadata: name, datatype and shape (-1 for an open dimension).</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Datatype">The protocol datatype.</param>
/// <param name="Shape">The dimensions.</param>
public sealed record TensorMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape)
{
    /// <summary>The metadata of a signature entry.</summary>
    public static TensorMetadata From(TensorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new(spec.Name, spec.Datatype, spec.Shape);
    }
}
