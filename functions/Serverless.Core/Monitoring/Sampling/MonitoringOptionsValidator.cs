using Cronos;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Statistics;
using Serverless.Core.Registry;
using Serverless.Core.Storage;
using Serverless.Core.Training.Specs;

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

        if (options.SampleRateRefresh <= TimeSpan.Zero || options.SampleRateRefresh > TimeSpan.FromDays(1))
        {
            failures.Add($"Monitoring__SampleRateRefresh must be a positive time span of at most a day, such as 00:00:30 (it is {options.SampleRateRefresh}).");
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

        // Whole seconds, because the window's start names its table partition and Parquet folder to the second.
        if (options.WindowLength < TimeSpan.FromSeconds(10) || options.WindowLength.Ticks % TimeSpan.TicksPerSecond != 0 ||
            TimeSpan.FromDays(1).Ticks % options.WindowLength.Ticks != 0)
        {
            failures.Add($"Monitoring__WindowLength must be whole seconds, at least 10, that divide a day evenly, such as 00:05:00 (it is {options.WindowLength}).");
        }

        if (!IsQueueName(options.SampleQueue))
        {
            failures.Add($"Monitoring__SampleQueue must be a queue name: 3 to 63 lower-case letters, digits and single hyphens (it is '{options.SampleQueue}').");
        }

        if (!StorageNames.IsTableName(options.SampleTable))
        {
            failures.Add($"Monitoring__SampleTable must be a table name: 3 to 63 letters and digits, starting with a letter (it is '{options.SampleTable}').");
        }

        if (!ModelRegistry.IsContainerName(options.SampleContainer))
        {
            failures.Add($"Monitoring__SampleContainer must be a blob container name: 3 to 63 lower-case letters, digits and single hyphens (it is '{options.SampleContainer}').");
        }

        if (!CronExpression.TryParse(options.EvaluationSchedule ?? string.Empty, CronFormat.IncludeSeconds, out _))
        {
            failures.Add($"Monitoring__EvaluationSchedule must be an NCRONTAB expression with six fields (seconds first), such as \"0 */1 * * * *\" (it is '{options.EvaluationSchedule}').");
        }

        if (options.EvaluationDelay < TimeSpan.Zero)
        {
            failures.Add($"Monitoring__EvaluationDelay must be a time span of 0 or more, such as 00:01:00 (it is {options.EvaluationDelay}).");
        }

        if (options.EvaluationConcurrency is < 1 or > 64)
        {
            failures.Add($"Monitoring__EvaluationConcurrency must be from 1 to 64 (it is {options.EvaluationConcurrency}).");
        }

        if (!StorageNames.IsTableName(options.EvaluationTable))
        {
            failures.Add($"Monitoring__EvaluationTable must be a table name: 3 to 63 letters and digits, starting with a letter (it is '{options.EvaluationTable}').");
        }

        if (!IsQueueName(options.AlertQueue))
        {
            failures.Add($"Monitoring__AlertQueue must be a queue name: 3 to 63 lower-case letters, digits and single hyphens (it is '{options.AlertQueue}').");
        }

        if (!ModelRegistry.IsContainerName(options.BaselineContainer))
        {
            failures.Add($"Monitoring__BaselineContainer must be a blob container name: 3 to 63 lower-case letters, digits and single hyphens (it is '{options.BaselineContainer}').");
        }

        if (options.MinimumSamples is < 2 or > 1_000_000)
        {
            failures.Add($"Monitoring__MinimumSamples must be from 2 to 1000000 (it is {options.MinimumSamples}).");
        }

        if (!(options.ControlLimitSigma >= ControlLimits.MinimumK && options.ControlLimitSigma <= ControlLimits.MaximumK))
        {
            failures.Add($"Monitoring__ControlLimitSigma must be from {ControlLimits.MinimumK} to {ControlLimits.MaximumK} (it is {options.ControlLimitSigma}).");
        }

        if (!(options.PsiThreshold > 0 && double.IsFinite(options.PsiThreshold)))
        {
            failures.Add($"Monitoring__PsiThreshold must be a number above 0, such as 0.25 (it is {options.PsiThreshold}).");
        }

        if (!(options.PValueThreshold > 0 && options.PValueThreshold < 1))
        {
            failures.Add($"Monitoring__PValueThreshold must be between 0 and 1, such as 0.01 (it is {options.PValueThreshold}).");
        }

        if (!GuardrailActions.IsKnown(options.GuardrailAction))
        {
            failures.Add($"Monitoring__GuardrailAction must be \"rollback\" or \"alert\" (it is '{options.GuardrailAction}').");
        }

        if (options.GuardrailWindows is < 1 or > 100)
        {
            failures.Add($"Monitoring__GuardrailWindows must be from 1 to 100 (it is {options.GuardrailWindows}).");
        }

        if (options.HistoryWindows is < 1 or > 1000)
        {
            failures.Add($"Monitoring__HistoryWindows must be from 1 to 1000 (it is {options.HistoryWindows}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Queue names follow the container names' rules.
    private static bool IsQueueName(string name) => ModelRegistry.IsContainerName(name);
}
