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

    /// <summary>The app setting that names the storage connection, as the Functions host reads it.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";
}
