using Microsoft.Extensions.Options;

namespace Serverless.Core.Serving;

/// <summary>Checks the <c>Serving</c> settings at start-up, so that a bad value stops the app naming the setting.</summary>
internal sealed class ServingOptionsValidator : IValidateOptions<ServingOptions>
{
    public ValidateOptionsResult Validate(string? name, ServingOptions options)
    {
        var failures = new List<string>();
        void Positive(string setting, long value)
        {
            if (value <= 0)
            {
                failures.Add($"Serving__{setting} must be greater than 0 (it is {value}).");
            }
        }

        void PositiveTime(string setting, TimeSpan value)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Serving__{setting} must be a positive time span such as 00:00:30 (it is {value}).");
            }
        }

        Positive(nameof(options.MaxRequestBytes), options.MaxRequestBytes);
        Positive(nameof(options.MaxLoadedModels), options.MaxLoadedModels);
        Positive(nameof(options.MaxLoadedBytes), options.MaxLoadedBytes);
        Positive(nameof(options.IntraOpThreads), options.IntraOpThreads);
        Positive(nameof(options.MaxOutputElements), options.MaxOutputElements);
        Positive(nameof(options.MaxResponseBytes), options.MaxResponseBytes);
        Positive(nameof(options.MaxInferenceMemoryBytes), options.MaxInferenceMemoryBytes);
        Positive(nameof(options.ShadowQueueCapacity), options.ShadowQueueCapacity);
        if (!Storage.StorageNames.IsTableName(options.ShadowTable))
        {
            failures.Add($"Serving__ShadowTable '{options.ShadowTable}' is not a valid table name: 3 to 63 letters and digits, starting with a letter.");
        }

        PositiveTime(nameof(options.IdleUnloadAfter), options.IdleUnloadAfter);
        PositiveTime(nameof(options.AliasRefreshInterval), options.AliasRefreshInterval);
        PositiveTime(nameof(options.MaxRunTime), options.MaxRunTime);
        if (options.MaxResponseBytes > Array.MaxLength)
        {
            failures.Add($"Serving__MaxResponseBytes must be at most {Array.MaxLength} (it is {options.MaxResponseBytes}).");
        }

        if (options.MaxInferenceMemoryBytes > uint.MaxValue)
        {
            failures.Add($"Serving__MaxInferenceMemoryBytes must be at most {uint.MaxValue} (it is {options.MaxInferenceMemoryBytes}).");
        }

        if (options.CacheDirectory.Length > 0 && options.CacheDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"Serving__CacheDirectory '{options.CacheDirectory}' is not a valid path.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
