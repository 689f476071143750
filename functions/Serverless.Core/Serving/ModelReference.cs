using System.Globalization;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving;

/// <summary>
/// Checks the model name, version and alias of a serving request before anything reaches storage, so that a name
/// storage cannot hold (<c>a/b</c>, control characters) is the caller's 400 instead of retries and a 503. The rules
/// are the registry's: a name or alias it would refuse can never have been registered.
/// </summary>
internal static class ModelReference
{
    /// <summary>Checks the name (and version or alias when given); returns the version number if one is given.</summary>
    /// <exception cref="InvalidRegistryArgumentException">The name, alias or version number is not one the registry allows.</exception>
    /// <exception cref="InvalidInferenceRequestException">Both a version and an alias, or a version that is not a number.</exception>
    public static int? Validate(string name, string? version, string? alias)
    {
        ModelRegistry.ValidateName(name);
        if (version is not null && alias is not null)
        {
            throw new InvalidInferenceRequestException("Give a version or an alias, not both.");
        }

        if (alias is not null)
        {
            ModelRegistry.ValidateAlias(alias);
        }

        if (version is null)
        {
            return null;
        }

        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
        {
            throw new InvalidInferenceRequestException($"'{ModelRegistry.Shorten(version)}' is not a valid version: versions are whole numbers 1, 2, 3...");
        }

        ModelRegistry.ValidateVersion(number);
        return number;
    }
}
