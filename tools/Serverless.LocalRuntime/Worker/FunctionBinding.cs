using System.Text.Json;

namespace Serverless.LocalRuntime.Worker;

/// <summary>One binding of a function, as the worker describes it in <c>raw_bindings</c> (function.json's shape).</summary>
internal sealed class FunctionBinding
{
    private readonly JsonElement _raw;

    private FunctionBinding(JsonElement raw)
    {
        _raw = raw;
        Name = GetString("name") ?? string.Empty;
        Type = GetString("type") ?? string.Empty;
        IsOutput = string.Equals(GetString("direction"), "out", StringComparison.OrdinalIgnoreCase);
    }

    public string Name { get; }

    /// <summary>The binding type, e.g. <c>httpTrigger</c>, <c>queue</c>, <c>durableClient</c>.</summary>
    public string Type { get; }

    public bool IsOutput { get; }

    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    public static FunctionBinding Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new FunctionBinding(document.RootElement.Clone());
    }

    public string? GetString(string property) =>
        TryGet(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool GetBoolean(string property) =>
        TryGet(property, out var value) && (value.ValueKind == JsonValueKind.True ||
            (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out bool parsed) && parsed));

    public IReadOnlyList<string> GetStrings(string property) =>
        TryGet(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];

    private bool TryGet(string property, out JsonElement value)
    {
        // function.json property names are matched case-insensitively by the Functions host.
        foreach (var candidate in _raw.EnumerateObject())
        {
            if (string.Equals(candidate.Name, property, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
