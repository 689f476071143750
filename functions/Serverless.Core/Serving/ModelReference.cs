using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.Core.Serving;

/// <summary>
/// Checks the model name, version and alias of a serving request before anything reaches storage, so that a name
/// storage cannot hold (<c>a/b</c>, control characters) is the caller's 400 instead of retries and a 503.
/// </summary>
internal static partial class ModelReference
{
    /// <summary>Checks the name (and version or alias when given); returns the version number if one is given.</summary>
    /// <exception cref="InvalidInferenceRequestException">Something is not valid; the message says what is allowed.</exception>
    public static int? Validate(string name, string? version, string? alias)
    {
        if (!NamePattern().IsMatch(name ?? string.Empty))
        {
            throw new InvalidInferenceRequestException(
                $"'{Shorten(name)}' is not a valid model name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (version is not null && alias is not null)
        {
            throw new InvalidInferenceRequestException("Give a version or an alias, not both.");
        }

        if (alias is not null && !AliasPattern().IsMatch(alias))
        {
            throw new InvalidInferenceRequestException(
                $"'{Shorten(alias)}' is not a valid alias: use 1 to 32 lower-case letters, digits or '-', starting with a letter.");
        }

        if (version is null)
        {
            return null;
        }

        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1)
        {
            throw new InvalidInferenceRequestException($"'{Shorten(version)}' is not a valid version: versions are whole numbers 1, 2, 3...");
        }

        return number;
    }

    private static string Shorten(string? value) => value is null ? string.Empty : value.Length > 70 ? value[..70] + "..." : value;

    // The registry's rules (ModelRegistry): a name or alias it would refuse can never have been registered.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex AliasPattern();
}
