using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Serverless.Benchmarks;

/// <summary>Registers a model through the platform's registry API and points <c>production</c> at it.</summary>
public static class RegistryRequests
{
    /// <summary>
    /// Posts <paramref name="model"/> as the next version of <paramref name="name"/> (with the registry's optional query
    /// parameters in <paramref name="query"/>), then moves <c>production</c> to it; returns the version.
    /// </summary>
    public static async Task<int> RegisterAndPromoteAsync(HttpClient client, string name, byte[] model, string? query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new ByteArrayContent(model);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var registered = await client.PostAsync($"models/{name}/versions{(query is null ? string.Empty : "?" + query)}", content, cancellationToken);
        registered.EnsureSuccessStatusCode();
        int version = (await registered.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("version").GetInt32();
        using var alias = await client.PutAsJsonAsync($"models/{name}/aliases/production", new { version }, cancellationToken);
        alias.EnsureSuccessStatusCode();
        return version;
    }
}
