using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.Serialization;

namespace Serverless.Testing;

/// <summary>
/// Validates JSON bodies against the schemas of the Open Inference Protocol's OpenAPI document in
/// <c>../shared/specs/open-inference-protocol/open_inference_rest.yaml</c>.
/// </summary>
public static class OpenInferenceSchema
{
    private static readonly Lazy<JsonNode> Components = new(LoadComponents);
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Schemas = new(StringComparer.Ordinal);

    /// <summary>Whether the OpenAPI document is present.</summary>
    public static string? DocumentPath =>
        RepositoryPaths.Shared is { } shared && File.Exists(Path.Combine(shared, "specs", "open-inference-protocol", "open_inference_rest.yaml"))
            ? Path.Combine(shared, "specs", "open-inference-protocol", "open_inference_rest.yaml")
            : null;

    /// <summary>The errors of <paramref name="body"/> against <c>components.schemas.<paramref name="schemaName"/></c>; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(JsonElement body, string schemaName)
    {
        var schema = Schemas.GetOrAdd(schemaName, n => new Lazy<JsonSchema>(() => Build(n))).Value;
        var result = schema.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
                .DefaultIfEmpty("invalid")
                .ToList();
    }

    private static JsonSchema Build(string schemaName)
    {
        // The OpenAPI components become a JSON Schema's $defs, their references rewritten to match.
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"https://serverless.test/oip/{schemaName}",
            ["$ref"] = $"#/$defs/{schemaName}",
            ["$defs"] = Components.Value.DeepClone(),
        };
        return JsonSchema.FromText(root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal));
    }

    private static JsonNode LoadComponents()
    {
        string path = DocumentPath ?? throw new InvalidOperationException("The Open Inference Protocol's OpenAPI document is not present.");
        object? yaml = new DeserializerBuilder().Build().Deserialize(new StringReader(File.ReadAllText(path)));
        string json = new SerializerBuilder().JsonCompatible().Build().Serialize(yaml);
        return JsonNode.Parse(json)!["components"]!["schemas"]!;
    }
}
