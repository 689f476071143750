using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Serverless.Testing;

/// <summary>Posts JSON text and reads the JSON answer, whatever its status.</summary>
public static class JsonRequests
{
    /// <summary>Posts <paramref name="json"/> to <paramref name="path"/>; returns the status and the parsed body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(this HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
