using Serverless.Core.Registry;

namespace Serverless.Core.Storage;

/// <summary>
/// A caller's <c>container/path</c> to a blob in the app's account, parsed so that it names that container and nothing
/// else: the SDK resolves <c>..</c> segments in a blob name against the account root, so
/// <c>allowed/../other/blob</c> would otherwise reach another container.
/// </summary>
internal static class BlobReference
{
    /// <summary>Splits <paramref name="reference"/> into a valid container name and a path without empty, <c>.</c> or <c>..</c> segments or backslashes.</summary>
    public static bool TryParse(string? reference, out string container, out string path)
    {
        container = path = string.Empty;
        string[] parts = (reference ?? string.Empty).Split('/', 2);
        if (parts.Length != 2 || !ModelRegistry.IsContainerName(parts[0]) || parts[1].Length is 0 or > 1024 || parts[1].Contains('\\', StringComparison.Ordinal))
        {
            return false;
        }

        if (parts[1].Split('/').Any(segment => segment is "" or "." or ".."))
        {
            return false;
        }

        (container, path) = (parts[0], parts[1]);
        return true;
    }
}
