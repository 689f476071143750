using System.Text.Json.Serialization;

namespace Serverless.Cli.Api;

/// <summary>Source-generated JSON for the request bodies the CLI sends.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RetrainRequest))]
[JsonSerializable(typeof(ReasonRequest))]
[JsonSerializable(typeof(CanaryRequest))]
[JsonSerializable(typeof(ShadowRequest))]
[JsonSerializable(typeof(OptionalReasonRequest))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
