using System.Globalization;
using Cronos;
using Serverless.Core.Monitoring.Statistics;
using Serverless.Core.Registry;
using Serverless.Core.Storage;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Trainers;

namespace Serverless.Core.Training.Specs;

/// <summary>Checks a spec before it is stored: every error at once, each naming its field as a JSON path.</summary>
public static class ModelSpecValidator
{
    private static readonly string[] Tasks = [ModelTasks.Binary, ModelTasks.Multiclass, ModelTasks.Regression];

    /// <summary>What is wrong with <paramref name="spec"/>; empty when it is valid.</summary>
    public static IReadOnlyList<SpecError> Validate(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<SpecError>();
        string? task = spec.Task;
        if (task is null)
        {
            errors.Add(new("task", $"Required: one of {List(Tasks)}."));
        }
        else if (!Tasks.Contains(task, StringComparer.Ordinal))
        {
            errors.Add(new("task", $"'{Quote(task)}' is not a task: use one of {List(Tasks)}."));
            task = null;
        }

        ValidateData(spec.Data, task, errors);
        ValidateTrainer(spec.Trainer, task, errors);
        ValidateGates(spec.Gates, task, errors);
        ValidateApproval(spec.Approval, errors);
        ValidateSchedule(spec.Schedule, errors);
        ValidateMonitoring(spec.Monitoring, errors);
        return errors;
    }

    /// <summary>Why <paramref name="name"/> is not a valid model or dataset name (the registry's rules), or null when it is.</summary>
    internal static string? NameProblem(string? name, string what)
    {
        try
        {
            ModelRegistry.ValidateName(name ?? string.Empty);
            return null;
        }
        catch (InvalidRegistryArgumentException)
        {
            return $"'{Quote(name)}' is not a valid {what} name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.";
        }
    }

    /// <summary>Why <paramref name="source"/> is not a <c>container/path</c> blob reference, or null when it is one.</summary>
    internal static string? SourceProblem(string source)
    {
        return !BlobReference.TryParse(source, out _, out _)
            ? $"'{Quote(source)}' is not a blob reference: write it as \"container/path/to/data.csv\" (a container name is 3 to 63 lower-case letters, digits and single hyphens; no empty, '.' or '..' path segments)."
            : null;
    }

    private static void ValidateData(DataSpec? data, string? task, List<SpecError> errors)
    {
        if (data is null)
        {
            errors.Add(new("data", "Required: where the training data comes from (source or dataset) and what its columns mean (features, label)."));
            return;
        }

        ValidateSource(data, errors);
        if (data.HasHeader == false && (data.Columns is null || data.Columns.Count == 0))
        {
            errors.Add(new("data.columns", "Required when data.hasHeader is false: the column names in file order."));
        }

        var columns = ValidateColumns(data.Columns, errors);
        if (data.Separator is not null && (data.Separator.Length != 1 || !char.IsAscii(data.Separator[0]) || data.Separator is "\"" or "\r" or "\n"))
        {
            errors.Add(new("data.separator", $"'{Quote(data.Separator)}' is not a separator: give exactly one ASCII character, such as \",\", \";\" or \"\\t\" (not a quote or a line break)."));
        }

        var features = ValidateFeatures(data.Features, columns, errors);
        string? label = ValidateLabel(data.Label, task, features, columns, errors);
        ValidateProtected(data.Protected, label, features, columns, errors);
        if (data.Missing is { } missing)
        {
            if (missing.Numeric is not null and not MissingValuePolicies.Mean and not MissingValuePolicies.Drop)
            {
                errors.Add(new("data.missing.numeric", $"'{Quote(missing.Numeric)}' is not a policy for missing numbers: use \"mean\" (replaced by the training mean) or \"drop\" (the row is dropped)."));
            }

            if (missing.Categorical is not null and not MissingValuePolicies.Category and not MissingValuePolicies.Drop)
            {
                errors.Add(new("data.missing.categorical", $"'{Quote(missing.Categorical)}' is not a policy for missing categories: use \"category\" (missing is a category of its own) or \"drop\" (the row is dropped)."));
            }
        }
    }

    private static void ValidateSource(DataSpec data, List<SpecError> errors)
    {
        if ((data.Source is null) == (data.Dataset is null))
        {
            errors.Add(new("data", "Give exactly one of data.source (a blob, \"container/path/to/data.csv\") and data.dataset (the name of a dataset uploaded with POST /datasets/{name})."));
        }

        if (data.Format is not null and not DataFormats.Csv and not DataFormats.Parquet)
        {
            errors.Add(new("data.format", $"'{Quote(data.Format)}' is not a format: use \"csv\" or \"parquet\"."));
        }

        if (data.Source is { } source)
        {
            if (SourceProblem(source) is { } problem)
            {
                errors.Add(new("data.source", problem));
            }
            else if (data.Format is null && !source.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !source.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new("data.source", $"'{Quote(source)}' ends neither in .csv nor .parquet: give data.format (\"csv\" or \"parquet\")."));
            }
        }

        if (data.Dataset is { } dataset)
        {
            if (NameProblem(dataset, "dataset") is { } problem)
            {
                errors.Add(new("data.dataset", problem));
            }

            if (data.Format == DataFormats.Parquet)
            {
                errors.Add(new("data.format", "Uploaded datasets are CSV: leave data.format out or set it to \"csv\"."));
            }
        }
    }

    private static HashSet<string>? ValidateColumns(IReadOnlyList<string>? columns, List<SpecError> errors)
    {
        if (columns is null || columns.Count == 0)
        {
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
        {
            string? column = columns[i];
            if (string.IsNullOrWhiteSpace(column))
            {
                errors.Add(new($"data.columns[{i}]", "A column name must not be empty."));
            }
            else if (!seen.Add(column.Trim()))
            {
                errors.Add(new($"data.columns[{i}]", $"'{Quote(column)}' is listed twice: column names must be unique."));
            }
        }

        return seen;
    }

    private static HashSet<string> ValidateFeatures(IReadOnlyList<FeatureSpec>? features, HashSet<string>? columns, List<SpecError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (features is null || features.Count == 0)
        {
            errors.Add(new("data.features", "Required: at least one feature, each {\"name\": ..., \"type\": \"numeric\" or \"categorical\"}."));
            return names;
        }

        for (int i = 0; i < features.Count; i++)
        {
            string field = $"data.features[{i}]";
            var feature = features[i];
            if (feature is null)
            {
                errors.Add(new(field, "A feature must be an object {\"name\": ..., \"type\": ...}."));
                continue;
            }

            if (string.IsNullOrWhiteSpace(feature.Name))
            {
                errors.Add(new(field + ".name", "Required: the column's name."));
            }
            else if (!names.Add(feature.Name))
            {
                errors.Add(new(field + ".name", $"'{Quote(feature.Name)}' is listed twice: each feature once."));
            }
            else
            {
                CheckInColumns(feature.Name, field + ".name", columns, errors);
            }

            if (feature.Type is null)
            {
                errors.Add(new(field + ".type", "Required: \"numeric\" or \"categorical\"."));
            }
            else if (feature.Type is not FeatureTypes.Numeric and not FeatureTypes.Categorical)
            {
                errors.Add(new(field + ".type", $"'{Quote(feature.Type)}' is not a feature type: use \"numeric\" or \"categorical\"."));
            }
        }

        return names;
    }

    private static string? ValidateLabel(LabelSpec? label, string? task, HashSet<string> features, HashSet<string>? columns, List<SpecError> errors)
    {
        if (label is null)
        {
            errors.Add(new("data.label", "Required: the column to predict, {\"name\": ...} (and for binary, \"positive\")."));
            return null;
        }

        string? name = null;
        if (string.IsNullOrWhiteSpace(label.Name))
        {
            errors.Add(new("data.label.name", "Required: the column to predict."));
        }
        else if (features.Contains(label.Name))
        {
            errors.Add(new("data.label.name", $"'{Quote(label.Name)}' is also a feature: a model must not take its label as an input."));
        }
        else
        {
            name = label.Name;
            CheckInColumns(name, "data.label.name", columns, errors);
        }

        if (task == ModelTasks.Binary)
        {
            if (label.Positive is null || label.Positive.Count == 0 || label.Positive.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add(new("data.label.positive", "Required for a binary task: the value or values that mean the positive class, such as \"yes\", \"1\" or [\">50K\", \">50K.\"]; every other value is negative."));
            }
        }
        else if (task is not null && label.Positive is not null)
        {
            errors.Add(new("data.label.positive", $"Only a binary task has a positive class; remove it for a {task} task."));
        }

        return name;
    }

    private static void ValidateProtected(IReadOnlyList<ProtectedAttributeSpec>? attributes, string? label, HashSet<string> features, HashSet<string>? columns, List<SpecError> errors)
    {
        if (attributes is null)
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < attributes.Count; i++)
        {
            string field = $"data.protected[{i}]";
            var attribute = attributes[i];
            if (attribute is null)
            {
                errors.Add(new(field, "A protected attribute must be an object {\"name\": ..., \"excludeFromFeatures\": true or false}."));
                continue;
            }

            if (string.IsNullOrWhiteSpace(attribute.Name))
            {
                errors.Add(new(field + ".name", "Required: the column's name."));
                continue;
            }

            if (!names.Add(attribute.Name))
            {
                errors.Add(new(field + ".name", $"'{Quote(attribute.Name)}' is listed twice: each protected attribute once."));
                continue;
            }

            if (attribute.Name == label)
            {
                errors.Add(new(field + ".name", $"'{Quote(attribute.Name)}' is the label: a protected attribute is a column the model is evaluated across, not the one it predicts."));
                continue;
            }

            CheckInColumns(attribute.Name, field + ".name", columns, errors);
            bool isFeature = features.Contains(attribute.Name);
            if (ModelSpecDefaults.ExcludeFromFeatures(attribute) && isFeature)
            {
                errors.Add(new(field + ".excludeFromFeatures", $"'{Quote(attribute.Name)}' is excluded from the features (the default) but listed in data.features: remove it there, or set excludeFromFeatures to false to train on it."));
            }
            else if (!ModelSpecDefaults.ExcludeFromFeatures(attribute) && !isFeature)
            {
                errors.Add(new(field + ".excludeFromFeatures", $"'{Quote(attribute.Name)}' is to be trained on (excludeFromFeatures false) but is not in data.features: add it there with its type."));
            }
        }
    }

    private static void CheckInColumns(string name, string field, HashSet<string>? columns, List<SpecError> errors)
    {
        if (columns is not null && !columns.Contains(name))
        {
            errors.Add(new(field, $"'{Quote(name)}' is not among data.columns."));
        }
    }

    private static void ValidateTrainer(TrainerSpec? trainer, string? task, List<SpecError> errors)
    {
        if (trainer is null)
        {
            errors.Add(new("trainer", $"Required: {{\"name\": one of {List(TrainerCatalog.Names)}}}."));
            return;
        }

        if (trainer.Name is null)
        {
            errors.Add(new("trainer.name", $"Required: one of {List(TrainerCatalog.Names)}."));
        }
        else if (!TrainerCatalog.Names.Contains(trainer.Name, StringComparer.Ordinal))
        {
            errors.Add(new("trainer.name", $"'{Quote(trainer.Name)}' is not a trainer: use one of {List(TrainerCatalog.Names)}."));
        }
        else if (trainer.Name == TrainerCatalog.External)
        {
            if (trainer.Hyperparameters is { Count: > 0 })
            {
                errors.Add(new("trainer.hyperparameters", "An external trainer trains nothing here: remove the hyperparameters (the candidate is a version another pipeline registered)."));
            }
        }
        else if (task is not null)
        {
            errors.AddRange(TrainerCatalog.Validate(trainer, task));
        }

        if (trainer.HoldoutFraction is { } fraction && !(fraction > 0 && fraction <= 0.5))
        {
            errors.Add(new("trainer.holdoutFraction", $"{Number(fraction)} is out of range: the holdout is more than 0 and at most 0.5 of the rows (default 0.2)."));
        }

        if (trainer.Seed is < 0)
        {
            errors.Add(new("trainer.seed", $"{trainer.Seed} is negative: use 0 or more (default 42)."));
        }
    }

    private static void ValidateGates(GateSpec? gates, string? task, List<SpecError> errors)
    {
        if (gates is null)
        {
            return;
        }

        ValidateMetrics(gates.Minimum, "gates.minimum", task, nonNegative: false, errors);
        ValidateMetrics(gates.Maximum, "gates.maximum", task, nonNegative: false, errors);
        ValidateMetrics(gates.MaxRegression, "gates.maxRegression", task, nonNegative: true, errors);
        if (gates.Fairness is not { } fairness)
        {
            return;
        }

        if (task == ModelTasks.Regression)
        {
            errors.Add(new("gates.fairness", "Fairness gates apply to classification only: remove them for a regression task."));
        }

        if (fairness.MinDisparateImpact is { } impact && !(impact >= 0 && impact <= 1))
        {
            errors.Add(new("gates.fairness.minDisparateImpact", $"{Number(impact)} is out of range: a disparate-impact ratio is between 0 and 1 (default 0.8)."));
        }

        if (fairness.MaxEqualOpportunityDifference is { } difference && !(difference >= 0 && difference <= 1))
        {
            errors.Add(new("gates.fairness.maxEqualOpportunityDifference", $"{Number(difference)} is out of range: an equal-opportunity difference is between 0 and 1 (default 0.1)."));
        }
    }

    private static void ValidateMetrics(IReadOnlyDictionary<string, double>? limits, string field, string? task, bool nonNegative, List<SpecError> errors)
    {
        if (limits is null)
        {
            return;
        }

        foreach (var (metric, value) in limits)
        {
            if (task is not null && !MetricNames.For(task).Contains(metric, StringComparer.Ordinal))
            {
                errors.Add(new($"{field}.{metric}", $"'{Quote(metric)}' is not a metric of a {task} task: use one of {List(MetricNames.For(task))}."));
            }
            else if (!double.IsFinite(value))
            {
                errors.Add(new($"{field}.{metric}", "The limit must be a finite number."));
            }
            else if (nonNegative && value < 0)
            {
                errors.Add(new($"{field}.{metric}", $"{Number(value)} is negative: the allowed regression is 0 or more, in the metric's own units."));
            }
        }
    }

    private static void ValidateMonitoring(MonitoringSpec? monitoring, List<SpecError> errors)
    {
        if (monitoring is null)
        {
            return;
        }

        if (monitoring.SampleRate is { } rate && !(rate >= 0 && rate <= 1))
        {
            errors.Add(new("monitoring.sampleRate", $"{Number(rate)} is out of range: a share of predictions from 0 (none) to 1 (all)."));
        }

        if (monitoring.ControlLimitSigma is { } k && !(k >= ControlLimits.MinimumK && k <= ControlLimits.MaximumK))
        {
            errors.Add(new("monitoring.controlLimitSigma", $"{Number(k)} is out of range: control limits lie {Number(ControlLimits.MinimumK)} to {Number(ControlLimits.MaximumK)} standard deviations from the centre line (default 3)."));
        }

        if (monitoring.PsiThreshold is { } psi && !(psi > 0 && double.IsFinite(psi)))
        {
            errors.Add(new("monitoring.psiThreshold", $"{Number(psi)} is out of range: a PSI threshold is a number above 0 (0.25 is the usual one)."));
        }

        if (monitoring.PValueThreshold is { } p && !(p > 0 && p < 1))
        {
            errors.Add(new("monitoring.pValueThreshold", $"{Number(p)} is out of range: a p-value threshold is between 0 and 1 (0.01 is the usual one)."));
        }

        if (monitoring.Guardrail is { } guardrail)
        {
            if (guardrail.Action is not null && !GuardrailActions.IsKnown(guardrail.Action))
            {
                errors.Add(new("monitoring.guardrail.action", $"'{Quote(guardrail.Action)}' is not a guardrail action: use \"{GuardrailActions.Rollback}\" or \"{GuardrailActions.Alert}\"."));
            }

            if (guardrail.Windows is { } windows && windows is < 1 or > 100)
            {
                errors.Add(new("monitoring.guardrail.windows", $"{windows} is out of range: the guardrail acts after 1 to 100 breached windows in a row (default 3)."));
            }
        }
    }

    private static void ValidateApproval(ApprovalSpec? approval, List<SpecError> errors)
    {
        if (approval is null)
        {
            return;
        }

        if (approval.Mode is not null and not ApprovalModes.Automatic and not ApprovalModes.Manual)
        {
            errors.Add(new("approval.mode", $"'{Quote(approval.Mode)}' is not an approval mode: use \"automatic\" or \"manual\"."));
        }

        if (approval.Timeout is { } timeout)
        {
            if (approval.Mode != ApprovalModes.Manual)
            {
                errors.Add(new("approval.timeout", "Only manual approval waits: remove the timeout or set approval.mode to \"manual\"."));
            }
            else if (timeout <= TimeSpan.Zero || timeout > ModelSpecDefaults.MaxApprovalTimeout)
            {
                errors.Add(new("approval.timeout", $"{timeout.ToString("c", CultureInfo.InvariantCulture)} is out of range: more than 0 and at most 30 days, as d.hh:mm:ss (default 1.00:00:00)."));
            }
        }
    }

    private static void ValidateSchedule(string? schedule, List<SpecError> errors)
    {
        if (schedule is null)
        {
            return;
        }

        string example = "such as \"0 0 3 * * *\" (every day at 03:00:00 UTC)";
        int fields = schedule.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields != 6)
        {
            errors.Add(new("schedule", $"'{Quote(schedule)}' has {fields} field(s): a schedule is an NCRONTAB expression with six fields, seconds first, as Functions timers use, {example}."));
            return;
        }

        try
        {
            CronExpression.Parse(schedule, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException ex)
        {
            errors.Add(new("schedule", $"'{Quote(schedule)}' is not a valid NCRONTAB expression ({ex.Message}): use six fields, seconds first, {example}."));
        }
    }

    private static string List(IEnumerable<string> values) => string.Join(", ", values);

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string? value) => ModelRegistry.Shorten(value);
}
