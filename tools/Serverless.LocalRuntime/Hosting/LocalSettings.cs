using System.Text.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace Serverless.LocalRuntime.Hosting;

/// <summary>
/// Reads <c>local.settings.json</c>'s <c>Values</c> as Core Tools does: as app settings, where <c>__</c> separates
/// sections, and where a variable already in the environment wins.
/// </summary>
internal static class LocalSettings
{
    public const string FileName = "local.settings.json";

    /// <summary>Adds the file's values below every other configuration source; returns the file used, if any.</summary>
    public static string? AddTo(ConfigurationManager configuration, string? explicitPath)
    {
        if (explicitPath is not null && !File.Exists(explicitPath))
        {
            throw new FileNotFoundException($"The settings file {explicitPath} does not exist.", explicitPath);
        }

        string? path = explicitPath ?? new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory }
            .Select(dir => Path.Combine(dir, FileName))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("Values", out var settings) && settings.ValueKind == JsonValueKind.Object)
        {
            foreach (var setting in settings.EnumerateObject())
            {
                values[setting.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] =
                    setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText();
            }
        }

        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = values });
        return path;
    }

    /// <summary>The file's <c>Values</c> as the app settings (environment variables) a worker process gets.</summary>
    public static IReadOnlyDictionary<string, string> Values(string? path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (path is null)
        {
            return values;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.TryGetProperty("Values", out var settings) && settings.ValueKind == JsonValueKind.Object)
        {
            foreach (var setting in settings.EnumerateObject())
            {
                values[setting.Name] = setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() ?? string.Empty : setting.Value.GetRawText();
            }
        }

        return values;
    }
}
