using System.Text.Json;

namespace Serverless.Infra.Tests;

/// <summary>main.bicep compiled to ARM JSON, with the resources of every nested module deployment flattened.</summary>
public sealed class CompiledTemplate
{
    private CompiledTemplate(JsonElement root)
    {
        Root = root;
        Collect(root, null);
    }

    public JsonElement Root { get; }

    /// <summary>Every resource, with the deployment resource whose template holds it (null at the top).</summary>
    public List<(JsonElement Resource, JsonElement? Deployment)> Resources { get; } = [];

    public static async Task<CompiledTemplate> BuildAsync()
    {
        var (exitCode, output, errors) = await BicepCli.RunAsync("build", "main.bicep", "--stdout");
        if (exitCode != 0)
        {
            throw new InvalidOperationException("bicep build failed: " + errors);
        }

        return new CompiledTemplate(JsonDocument.Parse(output).RootElement.Clone());
    }

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Resource.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase)).Select(r => r.Resource);

    public JsonElement SingleOfType(string type) => Assert.Single(OfType(type));

    /// <summary>The nested deployment whose template declares a resource of <paramref name="type"/>.</summary>
    public JsonElement DeploymentDeclaring(string type) =>
        Resources.Single(r => string.Equals(r.Resource.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase)).Deployment!.Value;

    private void Collect(JsonElement template, JsonElement? deployment)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            return;
        }

        var list = resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray().ToList() : resources.EnumerateObject().Select(p => p.Value).ToList();
        foreach (var resource in list)
        {
            Resources.Add((resource, deployment));
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments" &&
                resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                Collect(nested, resource);
            }
        }
    }
}
