using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Serverless.LocalRuntime.Hosting;

namespace Serverless.LocalRuntime.Bindings;

/// <summary>
/// Resolves binding expressions in a path: <c>%Setting%</c> from app settings and <c>{name}</c> from the trigger's
/// metadata or, for a JSON trigger payload, its top-level properties (as the Functions host binds them).
/// </summary>
internal static partial class BindingExpressions
{
    public static string Resolve(string template, IConfiguration configuration, IReadOnlyDictionary<string, TypedData> triggerMetadata, string? payload)
    {
        string withSettings = AppSettingExpressions.Resolve(template, configuration);
        JsonElement? json = null;
        if (payload is { Length: > 0 } && payload.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(payload);
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                json = null;
            }
        }

        return Parameter().Replace(withSettings, match =>
        {
            string name = match.Groups[1].Value;
            if (string.Equals(name, "rand-guid", StringComparison.OrdinalIgnoreCase))
            {
                return Guid.NewGuid().ToString();
            }

            foreach (var (key, value) in triggerMetadata)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && Text(value) is { } text)
                {
                    return text;
                }
            }

            if (json is { ValueKind: JsonValueKind.Object } obj)
            {
                foreach (var property in obj.EnumerateObject())
                {
                    if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                    {
                        return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                    }
                }
            }

            throw new InvalidOperationException($"The binding expression '{{{name}}}' in '{template}' has no value in the trigger's data.");
        });
    }

    private static string? Text(TypedData value) => value.DataCase switch
    {
        TypedData.DataOneofCase.String => value.String,
        TypedData.DataOneofCase.Json => value.Json.Trim('"'),
        _ => null,
    };

    [GeneratedRegex(@"\{([A-Za-z0-9_\-\.]+)\}")]
    private static partial Regex Parameter();
}
