using System.Globalization;
using Serverless.Core.Registry;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Datasets;

/// <summary>
/// Builds a <see cref="TrainingTable"/> from rows of cell text as a spec reads them: features typed, missing values and
/// the spec's policy for them, the label coded for the task, the protected attributes' groups. Format-agnostic: the
/// CSV and Parquet readers feed it rows.
/// </summary>
internal sealed class TableBuilder
{
    private readonly ModelSpec _spec;
    private readonly string _task;
    private readonly HashSet<string> _missing;
    private readonly HashSet<string> _positive;
    private readonly bool _dropNumeric;
    private readonly bool _dropCategorical;
    private readonly List<Column> _numeric = [];
    private readonly List<Column> _categorical = [];
    private readonly List<Column> _groups = [];
    private readonly Column _label;
    private readonly List<float> _labelValues = [];
    private readonly List<string> _labelTexts = [];
    private readonly Dictionary<string, int> _labelCounts = new(StringComparer.Ordinal);
    private readonly float[] _rowNumbers;
    private readonly string?[] _rowTexts;
    private int _columnCount;
    private int _read;
    private int _droppedLabel;
    private int _droppedNumeric;
    private int _droppedCategorical;

    public TableBuilder(ModelSpec spec)
    {
        _spec = spec;
        var data = spec.Data ?? throw new InvalidSpecException([new SpecError("data", "Required.")]);
        _task = spec.Task ?? ModelTasks.Regression;
        _missing = new HashSet<string>(ModelSpecDefaults.MissingValues(spec).Where(v => v is not null).Select(v => v.Trim()), StringComparer.Ordinal);
        _positive = new HashSet<string>((data.Label?.Positive ?? []).Select(v => v.Trim()), StringComparer.Ordinal);
        _dropNumeric = ModelSpecDefaults.NumericMissing(spec) == MissingValuePolicies.Drop;
        _dropCategorical = ModelSpecDefaults.CategoricalMissing(spec) == MissingValuePolicies.Drop;
        var features = data.Features ?? [];
        for (int i = 0; i < features.Count; i++)
        {
            var column = new Column(features[i].Name!, $"data.features[{i}].name");
            (features[i].Type == FeatureTypes.Numeric ? _numeric : _categorical).Add(column);
        }

        var attributes = data.Protected ?? [];
        for (int i = 0; i < attributes.Count; i++)
        {
            _groups.Add(new Column(attributes[i].Name!, $"data.protected[{i}].name"));
        }

        _label = new Column(data.Label?.Name ?? string.Empty, "data.label.name");
        _rowNumbers = new float[_numeric.Count];
        _rowTexts = new string?[_categorical.Count + _groups.Count];
    }

    /// <summary>How many rows were handed to <see cref="Add"/>.</summary>
    public int RowsRead => _read;

    /// <summary>Names the data's columns, in order; every column the spec uses must be among them.</summary>
    /// <param name="columns">The columns.</param>
    /// <param name="fromHeaderLine">Whether the names were read from a CSV's first line (which may have been data).</param>
    /// <exception cref="TrainingDataException">A column the spec uses is not in the data; the message lists the data's columns.</exception>
    public void Bind(IReadOnlyList<string> columns, bool fromHeaderLine)
    {
        _columnCount = columns.Count;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = columns.Count - 1; i >= 0; i--)
        {
            index[columns[i]] = i;
        }

        var lacking = new List<string>();
        foreach (var column in _numeric.Concat(_categorical).Concat(_groups).Append(_label))
        {
            if (index.TryGetValue(column.Name, out int at))
            {
                column.Index = at;
            }
            else
            {
                lacking.Add($"'{ModelRegistry.Shorten(column.Name)}' ({column.Field})");
            }
        }

        if (lacking.Count > 0)
        {
            string has = string.Join(", ", columns.Take(100).Select(c => $"'{ModelRegistry.Shorten(c)}'")) + (columns.Count > 100 ? $" and {columns.Count - 100} more" : string.Empty);
            throw new TrainingDataException(
                $"The data has no column {string.Join(", ", lacking)}. Its {columns.Count} column(s): {has}."
                + (fromHeaderLine ? " If the file has no header line, set data.hasHeader to false and name the columns in data.columns." : string.Empty));
        }
    }

    /// <summary>Adds one row of cells (null: missing) in the order given to <see cref="Bind"/>.</summary>
    /// <param name="cells">The row's cells.</param>
    /// <param name="line">The line of the file the row is on, for messages; null when the format has no lines.</param>
    /// <exception cref="TrainingDataException">The row has the wrong number of cells, or a number is not a number.</exception>
    public void Add(IReadOnlyList<string?> cells, long? line)
    {
        _read++;
        if (cells.Count != _columnCount)
        {
            throw new TrainingDataException($"{Where(line)} has {cells.Count} field(s), but the data has {_columnCount} column(s). Check data.separator (now '{ModelSpecDefaults.Separator(_spec)}') and quoting.");
        }

        string? label = Cell(cells, _label);
        if (label is null)
        {
            _droppedLabel++;
            return;
        }

        bool drop = false;
        for (int i = 0; i < _numeric.Count; i++)
        {
            string? text = Cell(cells, _numeric[i]);
            _rowNumbers[i] = text is null ? float.NaN : Number(text, _numeric[i], line);
            drop |= text is null && _dropNumeric;
        }

        if (drop)
        {
            _droppedNumeric++;
            return;
        }

        for (int i = 0; i < _categorical.Count; i++)
        {
            _rowTexts[i] = Cell(cells, _categorical[i]);
            drop |= _rowTexts[i] is null && _dropCategorical;
        }

        if (drop)
        {
            _droppedCategorical++;
            return;
        }

        float labelValue = _task switch
        {
            ModelTasks.Binary => _positive.Contains(label) ? 1 : 0,
            ModelTasks.Regression => Number(label, _label, line),
            _ => 0,
        };
        for (int i = 0; i < _groups.Count; i++)
        {
            _rowTexts[_categorical.Count + i] = Cell(cells, _groups[i]);
        }

        for (int i = 0; i < _numeric.Count; i++)
        {
            _numeric[i].Numbers.Add(_rowNumbers[i]);
        }

        for (int i = 0; i < _categorical.Count; i++)
        {
            _categorical[i].Texts.Add(_rowTexts[i] ?? string.Empty);
        }

        for (int i = 0; i < _groups.Count; i++)
        {
            _groups[i].Texts.Add(_rowTexts[_categorical.Count + i] ?? string.Empty);
        }

        _labelValues.Add(labelValue);
        if (_task != ModelTasks.Regression)
        {
            _labelTexts.Add(label);
            _labelCounts[label] = _labelCounts.GetValueOrDefault(label) + 1;
        }
    }

    /// <summary>The table, its schema and how many rows were dropped.</summary>
    /// <exception cref="TrainingDataException">No rows are left, the label has one class, or a protected attribute a single group.</exception>
    public TabularRead Build()
    {
        int dropped = _droppedLabel + _droppedNumeric + _droppedCategorical;
        if (_labelValues.Count == 0)
        {
            throw new TrainingDataException(_read == 0
                ? "The data has no rows."
                : $"No rows are left to train on: {_read} read, {dropped} dropped ({DropReasons()}).");
        }

        var (label, classes) = _task switch
        {
            ModelTasks.Binary => BinaryLabel(),
            ModelTasks.Multiclass => MulticlassLabel(),
            _ => RegressionLabel(),
        };
        foreach (var group in _groups)
        {
            var distinct = group.Texts.Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).Take(2).ToList();
            if (distinct.Count < 2)
            {
                throw new TrainingDataException(distinct.Count == 0
                    ? $"Protected attribute '{group.Name}' is missing in every one of the {label.Length} rows: fairness is measured across at least two groups."
                    : $"Protected attribute '{group.Name}' has a single group ('{ModelRegistry.Shorten(distinct[0])}') in the {label.Length} rows: fairness is measured across at least two groups. Check the column, or remove it from data.protected.");
            }
        }

        var table = new TrainingTable(
            _numeric.Select(c => new NumericColumn(c.Name, c.Numbers.ToArray())).ToList(),
            _categorical.Select(c => new CategoricalColumn(c.Name, c.Texts.ToArray())).ToList(),
            label,
            classes,
            _groups.Select(c => new CategoricalColumn(c.Name, c.Texts.ToArray())).ToList());
        return new TabularRead(table, dropped, Schema());
    }

    private (float[] Label, IReadOnlyList<string> Classes) BinaryLabel()
    {
        var positives = _labelCounts.Where(c => _positive.Contains(c.Key)).ToList();
        var negatives = _labelCounts.Where(c => !_positive.Contains(c.Key)).ToList();
        string wanted = string.Join(", ", _positive.Select(p => $"'{ModelRegistry.Shorten(p)}'"));
        if (positives.Count == 0)
        {
            throw new TrainingDataException(
                $"Label '{_label.Name}' has one class: no row has the positive value {wanted} (data.label.positive). Its values: {Counts(_labelCounts)}. Name the positive value as the data writes it.");
        }

        if (negatives.Count == 0)
        {
            throw new TrainingDataException(
                $"Label '{_label.Name}' has one class: every row has the positive value {wanted} (data.label.positive); a binary model needs negative rows too. Its values: {Counts(_labelCounts)}.");
        }

        return (_labelValues.ToArray(), [MostFrequent(negatives), MostFrequent(positives)]);
    }

    private (float[] Label, IReadOnlyList<string> Classes) MulticlassLabel()
    {
        var classes = _labelCounts.Keys.Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 3)
        {
            throw new TrainingDataException(classes.Count == 1
                ? $"Label '{_label.Name}' has one class ('{ModelRegistry.Shorten(classes[0])}') in every row: a model needs at least two."
                : $"Label '{_label.Name}' has 2 classes ({Counts(_labelCounts)}): a multiclass task needs at least 3. Use task \"binary\" with data.label.positive naming one of them.");
        }

        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (float)p.i, StringComparer.Ordinal);
        return (_labelTexts.Select(t => index[t]).ToArray(), classes);
    }

    private (float[] Label, IReadOnlyList<string> Classes) RegressionLabel()
    {
        float[] label = _labelValues.ToArray();
        if (label.All(v => v == label[0]))
        {
            throw new TrainingDataException($"Label '{_label.Name}' is {label[0].ToString(CultureInfo.InvariantCulture)} in every one of the {label.Length} rows: there is nothing to learn.");
        }

        return (label, []);
    }

    private List<ColumnSchema> Schema()
    {
        var schema = new List<ColumnSchema>();
        foreach (var feature in _spec.Data!.Features ?? [])
        {
            schema.Add(new ColumnSchema(feature.Name!, "feature", feature.Type!));
        }

        schema.Add(new ColumnSchema(_label.Name, "label", _task));
        schema.AddRange(_groups.Select(g => new ColumnSchema(g.Name, "protected", FeatureTypes.Categorical)));
        return schema;
    }

    private string DropReasons()
    {
        var reasons = new List<string> { $"{_droppedLabel} with a missing label" };
        if (_dropNumeric)
        {
            reasons.Add($"{_droppedNumeric} with a missing number (data.missing.numeric is \"drop\")");
        }

        if (_dropCategorical)
        {
            reasons.Add($"{_droppedCategorical} with a missing category (data.missing.categorical is \"drop\")");
        }

        return string.Join(", ", reasons);
    }

    private string? Cell(IReadOnlyList<string?> cells, Column column)
    {
        string? text = cells[column.Index]?.Trim();
        return text is null || _missing.Contains(text) ? null : text;
    }

    private float Number(string text, Column column, long? line)
    {
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            throw new TrainingDataException($"{Where(line)}, column '{column.Name}': '{ModelRegistry.Shorten(text)}' is not a number. Fix the data, add the value to data.missingValues if it means missing, or make the column categorical.");
        }

        return float.IsFinite(value)
            ? value
            : throw new TrainingDataException($"{Where(line)}, column '{column.Name}': '{ModelRegistry.Shorten(text)}' is not a finite number (a 32-bit float).");
    }

    private string Where(long? line) => line is { } l ? $"Row {_read} (line {l})" : $"Row {_read}";

    private static string MostFrequent(List<KeyValuePair<string, int>> counts) =>
        counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).First().Key;

    private static string Counts(Dictionary<string, int> counts) =>
        string.Join(", ", counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(10).Select(c => $"'{ModelRegistry.Shorten(c.Key)}' ({c.Value})"))
        + (counts.Count > 10 ? $" and {counts.Count - 10} more" : string.Empty);

    private sealed class Column(string name, string field)
    {
        public string Name { get; } = name;

        public string Field { get; } = field;

        public int Index { get; set; }

        public List<float> Numbers { get; } = [];

        public List<string> Texts { get; } = [];
    }
}
