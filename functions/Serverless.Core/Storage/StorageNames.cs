namespace Serverless.Core.Storage;

/// <summary>Names of the storage resources the platform owns, shared by the functions' trigger attributes.</summary>
public static class StorageNames
{
    /// <summary>Queue that carries storage self-check requests.</summary>
    public const string SelfCheckQueueSetting = "%SelfCheckQueue%";

    /// <summary>Where the queued self-check writes its report (a blob output binding).</summary>
    public const string SelfCheckReportBlob = "selfcheck-reports/%SelfCheckQueue%/{checkId}.json";

    /// <summary>Table that records the outcome of each self-check.</summary>
    public const string SelfCheckTable = "selfchecks";

    /// <summary>Blob container the self-check writes its probe objects to.</summary>
    public const string SelfCheckContainer = "selfchecks";

    /// <summary>The host's storage connection setting: the Functions host, its triggers and Durable use it.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>
    /// The app's own data connection setting (registry, self-check records); same forms as
    /// <see cref="ConnectionSetting"/>, which it falls back to when not set.
    /// </summary>
    public const string AppConnectionSetting = "AppStorage";

    /// <summary>Whether <paramref name="name"/> is a valid table name: 3 to 63 ASCII letters and digits, starting with a letter.</summary>
    public static bool IsTableName(string? name) =>
        name is { Length: >= 3 and <= 63 } && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
