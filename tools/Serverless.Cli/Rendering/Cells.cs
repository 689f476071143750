using Spectre.Console;
using Spectre.Console.Rendering;

namespace Serverless.Cli.Rendering;

/// <summary>Building blocks for tables whose text comes from the API, so no value is ever read as Spectre markup.</summary>
internal static class Cells
{
    /// <summary>A table with the given column headings.</summary>
    public static Table Table(params string[] headings)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (string heading in headings)
        {
            table.AddColumn(new TableColumn(new Text(heading, new Style(decoration: Decoration.Bold))));
        }

        return table;
    }

    /// <summary>Adds a row of plain-text cells.</summary>
    public static void Row(Table table, params string[] cells) => table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());

    /// <summary>A two-column grid of labels and values, for a record's header.</summary>
    public static Grid Facts(params (string Label, string Value)[] facts)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach ((string label, string value) in facts.Where(f => f.Value.Length > 0))
        {
            grid.AddRow(new Text(label, new Style(decoration: Decoration.Bold)), new Text(value));
        }

        return grid;
    }

    /// <summary>A section heading.</summary>
    public static Text Heading(string title) =>
        new(Environment.NewLine + title + Environment.NewLine, new Style(decoration: Decoration.Bold | Decoration.Underline));

    /// <summary>A pass/fail mark (coloured on a terminal).</summary>
    public static IRenderable PassFail(bool passed) =>
        passed ? new Text("PASS", new Style(Color.Green)) : new Text("FAIL", new Style(Color.Red, decoration: Decoration.Bold));
}
