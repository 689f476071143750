using System.Text.Json.Serialization;

namespace Serverless.Cli.Api;

/// <summary>Source-generated JSON for the request bodies the CLI sends.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RetrainRequest))]
[JsonSerializable(typeof(ReasonRequest))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
