using Microsoft.ML;
using Microsoft.ML.Data;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Trainers;

/// <summary>
/// A <see cref="TrainingTable"/> as an ML.NET data view: numeric features as Single, categorical ones as text, and
/// (optionally) the label typed for the task. Built directly on the table's arrays, because a label derived with a
/// CustomMapping would make the ONNX export fail.
/// </summary>
internal sealed class TableDataView : IDataView
{
    private readonly Func<Func<int>, Delegate>[] _getters;
    private readonly int _rows;

    private TableDataView(DataViewSchema schema, Func<Func<int>, Delegate>[] getters, int rows)
    {
        Schema = schema;
        _getters = getters;
        _rows = rows;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    /// <summary>The table's features, and its label under <paramref name="labelColumn"/> unless that is null.</summary>
    public static TableDataView Create(TrainingTable table, string task, string? labelColumn)
    {
        var builder = new DataViewSchema.Builder();
        var getters = new List<Func<Func<int>, Delegate>>();
        foreach (var column in table.Numeric)
        {
            builder.AddColumn(column.Name, NumberDataViewType.Single);
            float[] values = column.Values;
            getters.Add(row => (ValueGetter<float>)((ref float value) => value = values[row()]));
        }

        foreach (var column in table.Categorical)
        {
            builder.AddColumn(column.Name, TextDataViewType.Instance);
            string[] values = column.Values;
            getters.Add(row => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = values[row()].AsMemory()));
        }

        if (labelColumn is not null)
        {
            float[] label = table.Label;
            switch (task)
            {
                case ModelTasks.Binary:
                    builder.AddColumn(labelColumn, BooleanDataViewType.Instance);
                    getters.Add(row => (ValueGetter<bool>)((ref bool value) => value = label[row()] > 0.5f));
                    break;
                case ModelTasks.Multiclass:
                    // A key's value is the class index plus one (zero means missing).
                    builder.AddColumn(labelColumn, new KeyDataViewType(typeof(uint), table.Classes.Count), ClassNames(table.Classes));
                    getters.Add(row => (ValueGetter<uint>)((ref uint value) => value = (uint)label[row()] + 1));
                    break;
                default:
                    builder.AddColumn(labelColumn, NumberDataViewType.Single);
                    getters.Add(row => (ValueGetter<float>)((ref float value) => value = label[row()]));
                    break;
            }
        }

        return new TableDataView(builder.ToSchema(), [.. getters], table.RowCount);
    }

    public long? GetRowCount() => _rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private static DataViewSchema.Annotations ClassNames(IReadOnlyList<string> classes)
    {
        var names = classes.Select(c => c.AsMemory()).ToArray();
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add(
            "KeyValues", // ML.NET's annotation kind for a key's names (its constant is internal).
            new VectorDataViewType(TextDataViewType.Instance, names.Length),
            (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, names));
        return annotations.ToAnnotations();
    }

    private sealed class Cursor(TableDataView view, HashSet<int> active) : DataViewRowCursor
    {
        private long _position = -1;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
            {
                throw new InvalidOperationException($"Column '{column.Name}' was not requested from the cursor.");
            }

            return (ValueGetter<TValue>)view._getters[column.Index](() => (int)_position);
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override bool MoveNext()
        {
            if (_position + 1 >= view._rows)
            {
                _position = view._rows;
                return false;
            }

            _position++;
            return true;
        }
    }
}
