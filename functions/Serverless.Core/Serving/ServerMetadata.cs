using System.Reflection;
using System.Text.Json.Serialization;

namespace Serverless.Core.Serving;

/// <summary>The Open Inference Protocol server metadata (<c>GET /v2</c>).</summary>
/// <param name="Name">A descriptive name for the server.</param>
/// <param name="Version">The server version.</param>
/// <param name="Extensions">Protocol extensions the server supports.</param>
public sealed record ServerMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("extensions")] IReadOnlyList<string> Extensions)
{
    /// <summary>The metadata of this server build.</summary>
    public static ServerMetadata Current { get; } = new(
        "serverless-model-platform",
        typeof(ServerMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0",
        []);
}
