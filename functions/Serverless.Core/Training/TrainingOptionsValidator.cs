using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Storage;

namespace Serverless.Core.Training;

/// <summary>Checks the <c>Training</c> settings at start-up, so that a bad value stops the app naming the setting.</summary>
internal sealed class TrainingOptionsValidator : IValidateOptions<TrainingOptions>
{
    private const string ContainerRule = "3 to 63 lower-case letters, digits and single hyphens";

    public ValidateOptionsResult Validate(string? name, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxDatasetBytes <= 0)
        {
            failures.Add($"Training__MaxDatasetBytes must be greater than 0 (it is {options.MaxDatasetBytes}).");
        }

        if (!ModelRegistry.IsContainerName(options.DatasetContainer ?? string.Empty))
        {
            failures.Add($"Training__DatasetContainer must be a blob container name, {ContainerRule} (it is '{options.DatasetContainer}').");
        }

        if (options.DataContainers is null || options.DataContainerList.Count == 0 || !options.DataContainerList.All(ModelRegistry.IsContainerName))
        {
            failures.Add($"Training__DataContainers must be a comma-separated list of blob container names, {ContainerRule} (it is '{options.DataContainers}').");
        }

        foreach (var (setting, table) in new[] { ("SpecTable", options.SpecTable), ("DatasetTable", options.DatasetTable) })
        {
            if (!StorageNames.IsTableName(table))
            {
                failures.Add($"Training__{setting} must be a table name, 3 to 63 letters and digits starting with a letter (it is '{table}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
