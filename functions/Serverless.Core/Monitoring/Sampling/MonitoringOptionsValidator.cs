using Microsoft.Extensions.Options;
using Serverless.Core.Registry;

namespace Serverless.Core.Monitoring.Sampling;

/// <summary>Checks the <c>Monitoring</c> settings at start-up, so that a bad value stops the app naming the setting.</summary>
internal sealed class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitoringOptions options)
    {
        var failures = new List<string>();
        if (double.IsNaN(options.SampleRate) || options.SampleRate is < 0 or > 1)
        {
            failures.Add($"Monitoring__SampleRate must be a number from 0 to 1 (it is {options.SampleRate}).");
        }

        if (options.BufferCapacity <= 0)
        {
            failures.Add($"Monitoring__BufferCapacity must be greater than 0 (it is {options.BufferCapacity}).");
        }

        if (options.BatchSize is <= 0 or > 10_000)
        {
            failures.Add($"Monitoring__BatchSize must be from 1 to 10000 (it is {options.BatchSize}).");
        }

        if (options.FlushInterval <= TimeSpan.Zero)
        {
            failures.Add($"Monitoring__FlushInterval must be a positive time span such as 00:00:01 (it is {options.FlushInterval}).");
        }

        if (options.WindowLength < TimeSpan.FromMinutes(1) || TimeSpan.FromDays(1).Ticks % options.WindowLength.Ticks != 0)
        {
            failures.Add($"Monitoring__WindowLength must be whole minutes that divide a day evenly, such as 00:05:00 (it is {options.WindowLength}).");
        }
        else if (options.WindowLength.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            failures.Add($"Monitoring__WindowLength must be whole minutes (it is {options.WindowLength}).");
        }

        if (!IsQueueName(options.SampleQueue))
        {
            failures.Add($"Monitoring__SampleQueue must be a queue name: 3 to 63 lower-case letters, digits and single hyphens (it is '{options.SampleQueue}').");
        }

        if (!IsTableName(options.SampleTable))
        {
            failures.Add($"Monitoring__SampleTable must be a table name: 3 to 63 letters and digits, starting with a letter (it is '{options.SampleTable}').");
        }

        if (!ModelRegistry.IsContainerName(options.SampleContainer))
        {
            failures.Add($"Monitoring__SampleContainer must be a blob container name: 3 to 63 lower-case letters, digits and single hyphens (it is '{options.SampleContainer}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Queue names follow the container names' rules.
    private static bool IsQueueName(string name) => ModelRegistry.IsContainerName(name);

    private static bool IsTableName(string? name) =>
        name is { Length: >= 3 and <= 63 } && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
