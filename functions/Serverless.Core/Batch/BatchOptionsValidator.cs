using Microsoft.Extensions.Options;
using Serverless.Core.Registry;

namespace Serverless.Core.Batch;

/// <summary>Checks <see cref="BatchOptions"/> at start: a bad value stops the app naming the setting.</summary>
internal sealed class BatchOptionsValidator : IValidateOptions<BatchOptions>
{
    /// <summary>Most rows one chunk may hold (one ONNX Runtime call and one activity's memory).</summary>
    public const int MaxChunkRows = 1_000_000;

    public ValidateOptionsResult Validate(string? name, BatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.ChunkRows is < 1 or > MaxChunkRows)
        {
            errors.Add($"Batch__ChunkRows must be a whole number from 1 to {MaxChunkRows}.");
        }

        if (options.MaxParallelChunks is < 1 or > 64)
        {
            errors.Add("Batch__MaxParallelChunks must be a whole number from 1 to 64.");
        }

        if (options.InputContainerList.Count == 0 || !options.InputContainerList.All(ModelRegistry.IsContainerName))
        {
            errors.Add("Batch__InputContainers must be a comma-separated list of blob container names (3 to 63 lower-case letters, digits and single hyphens).");
        }

        if (options.OutputContainerList.Count == 0 || !options.OutputContainerList.All(ModelRegistry.IsContainerName))
        {
            errors.Add("Batch__OutputContainers must be a comma-separated list of blob container names (3 to 63 lower-case letters, digits and single hyphens).");
        }

        if (!ModelRegistry.IsContainerName(options.EventQueue))
        {
            errors.Add("Batch__EventQueue must be a queue name (3 to 63 lower-case letters, digits and single hyphens).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
