using System.Text.RegularExpressions;

namespace Serverless.LocalRuntime.Hosting;

/// <summary>Resolves the Functions binding expressions <c>%SettingName%</c> from app settings.</summary>
internal static partial class AppSettingExpressions
{
    public static string Resolve(string value, IConfiguration configuration) =>
        SettingPattern().Replace(value, match =>
        {
            string name = match.Groups[1].Value;
            return configuration[name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"'{value}' names the app setting '{name}', which is not set.");
        });

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingPattern();
}
