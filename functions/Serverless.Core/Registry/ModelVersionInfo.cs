using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>One registered version and its lineage.</summary>
public sealed record ModelVersionInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("sizeBytes")] long SizeBytes,
    [property: JsonPropertyName("artifact")] string Artifact,
    [property: JsonPropertyName("signature")] ModelSignature Signature,
    [property: JsonPropertyName("registeredAt")] DateTimeOffset RegisteredAt,
    [property: JsonPropertyName("metadata")] RegistrationMetadata Metadata);
