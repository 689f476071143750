using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Serverless.Testing;

/// <summary>Registers models through the registry's HTTP API.</summary>
public static class ModelRegistration
{
    /// <summary>Registers <paramref name="model"/> under a fresh name starting with <paramref name="prefix"/>; returns the name.</summary>
    public static async Task<string> RegisterNewAsync(this HttpClient client, string prefix, byte[] model, bool production = true)
    {
        string name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(64, prefix.Length + 13)];
        await client.RegisterAsync(name, model, production);
        return name;
    }

    /// <summary>Registers <paramref name="model"/> as the next version of <paramref name="name"/>; returns the version.</summary>
    public static async Task<int> RegisterAsync(this HttpClient client, string name, byte[] model, bool production = true)
    {
        using var content = new ByteArrayContent(model);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.PostAsync(new Uri($"/models/{name}/versions", UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        int version = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("version").GetInt32();
        if (production)
        {
            using var alias = await client.PutAsJsonAsync(new Uri($"/models/{name}/aliases/production", UriKind.Relative), new { version });
            alias.EnsureSuccessStatusCode();
        }

        return version;
    }
}
