using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Serverless.Cli.Rendering;

/// <summary>
/// Prints a model's monitoring (<c>GET /models/{name}/monitoring</c>): its policy, the evaluated windows with the
/// features that drifted, the newest window's drift tests, the control-chart points with their centre line and limits,
/// the alerts and the guardrail's actions.
/// </summary>
internal sealed class MonitoringRenderer(IAnsiConsole console)
{
    /// <summary>One line for <c>POST /monitoring/evaluate</c>'s answer.</summary>
    public static string EvaluationRun(JsonElement run) =>
        $"Evaluated {run.Text("evaluated")} windows ({run.Text("waiting")} still open or waiting, {run.Text("skipped")} skipped, {run.Text("failed")} failed); " +
        $"{run.Text("alerts")} alerts, {run.Text("rollbacks")} rollbacks.";

    /// <summary>Writes the whole view.</summary>
    public void Render(JsonElement view)
    {
        var pending = view.Items("pendingWindows").Select(w => JsonValues.FormatTime(w.GetString() ?? "")).ToList();
        console.Write(Cells.Facts(
            ("Model", view.Text("model")),
            ("Production version", view.Text("productionVersion")),
            ("Window length", view.Text("windowLength")),
            ("Policy", Policy(view.Get("policy") ?? default)),
            ("Pending windows", pending.Count == 0 ? "none" : $"{pending.Count}: {string.Join(", ", pending)}")));

        var windows = view.Items("windows").ToList();
        if (windows.Count == 0)
        {
            console.Write(new Text(Environment.NewLine + "No evaluated windows yet: a window is evaluated once it has closed and the evaluation delay has passed." + Environment.NewLine));
        }
        else
        {
            Windows(windows);
            Drift(windows);
        }

        Charts(view.Items("series").ToList());
        Alerts("Alerts", view.Items("alerts").ToList());
        Alerts("Guardrail actions", view.Items("guardrailActions").ToList());
    }

    private static string Policy(JsonElement policy)
    {
        JsonElement drift = policy.Get("drift") ?? default;
        return $"sample rate {policy.Text("sampleRate")}, control limits {policy.Text("controlLimitSigma")} sigma, " +
            $"drift when PSI > {drift.Text("psiThreshold")} or p < {drift.Text("pValueThreshold")} (at least {drift.Text("minimumSampleSize")} samples); " +
            $"guardrail {policy.Text("guardrailAction")} after {policy.Text("guardrailWindows")} breached windows in a row";
    }

    private void Windows(List<JsonElement> windows)
    {
        console.Write(Cells.Heading("Windows (newest first)"));
        var table = Cells.Table("Window", "Version", "Samples", "Labelled", "Drifted features", "Prediction drift", "Performance", "Breached", "Notes");
        foreach (JsonElement window in windows)
        {
            var versions = window.Items("versions").ToList();
            if (versions.Count == 0)
            {
                Cells.Row(table, window.Time("windowStart"), "", window.Text("samples"), "", "", "", "", "", "");
            }

            foreach (JsonElement version in versions)
            {
                var drifted = Drifted(version.Items("dataDrift")).ToList();
                var prediction = Drifted(version.Items("predictionDrift")).ToList();
                Cells.Row(
                    table,
                    window.Time("windowStart"),
                    version.Text("version"),
                    version.Text("samples"),
                    version.Text("labelled"),
                    drifted.Count > 0 ? string.Join("; ", drifted) : version.Items("dataDrift").Any() ? "none" : "",
                    prediction.Count > 0 ? string.Join("; ", prediction) : version.Items("predictionDrift").Any() ? "none" : "",
                    version.Text("performance"),
                    version.Get("breached") is { ValueKind: JsonValueKind.True } ? "yes" : "no",
                    version.Text("notes"));
            }
        }

        console.Write(table);
    }

    // The newest window's tests, per version: every feature, so what did not drift is seen too.
    private void Drift(List<JsonElement> windows)
    {
        JsonElement newest = windows[0];
        foreach (JsonElement version in newest.Items("versions"))
        {
            var tests = version.Items("dataDrift").Concat(version.Items("predictionDrift")).ToList();
            if (tests.Count == 0)
            {
                continue;
            }

            console.Write(Cells.Heading($"Drift tests, window {newest.Time("windowStart")}, version {version.Text("version")} against {version.Text("baseline")}"));
            var table = Cells.Table("Feature", "Test", "Statistic", "p-value", "Threshold", "Drifted", "n");
            foreach (JsonElement test in tests)
            {
                Cells.Row(
                    table,
                    test.Text("feature"),
                    test.Text("test"),
                    test.Text("statistic"),
                    test.Number("pValue") is { } p ? PValue(p) : "",
                    test.Text("threshold"),
                    test.Get("drifted") is { ValueKind: JsonValueKind.True } ? "DRIFT" : "",
                    test.Text("sampleSize"));
            }

            console.Write(table);
        }
    }

    private void Charts(List<JsonElement> series)
    {
        if (series.Count == 0)
        {
            return;
        }

        console.Write(Cells.Heading("Control charts (oldest window first)"));
        var table = Cells.Table("Chart", "Version", "Window", "Value", "Centre", "Lower", "Upper", "n", "Signal");
        foreach (JsonElement chart in series)
        {
            var starts = chart.Items("windows").Select(w => JsonValues.FormatTime(w.GetString() ?? "")).ToList();
            int i = 0;
            foreach (JsonElement point in chart.Items("points"))
            {
                Cells.Row(
                    table,
                    chart.Text("chart"),
                    chart.Text("version"),
                    i < starts.Count ? starts[i] : "",
                    point.Text("value"),
                    point.Text("centreLine"),
                    point.Text("lower"),
                    point.Text("upper"),
                    point.Text("count"),
                    string.Join("; ", point.Items("violations").Select(JsonValues.Display)));
                i++;
            }
        }

        console.Write(table);
    }

    private void Alerts(string title, List<JsonElement> alerts)
    {
        console.Write(Cells.Heading(title));
        if (alerts.Count == 0)
        {
            console.Write(new Text("None." + Environment.NewLine));
            return;
        }

        var table = Cells.Table("Window", "Version", "Kind", "Severity", "Subject", "Statistic", "Threshold", "Evidence");
        foreach (JsonElement alert in alerts)
        {
            Cells.Row(
                table,
                alert.Time("windowStart"),
                alert.Text("version"),
                alert.Text("kind"),
                alert.Text("severity"),
                alert.Text("subject"),
                alert.Text("statistic"),
                alert.Text("threshold"),
                alert.Text("evidence"));
        }

        console.Write(table);
    }

    // "income (psi 1.2, ks p 0)": a feature's drifted tests, in one cell.
    private static IEnumerable<string> Drifted(IEnumerable<JsonElement> tests) =>
        tests.Where(t => t.Get("drifted") is { ValueKind: JsonValueKind.True })
            .GroupBy(t => t.Text("feature"), StringComparer.Ordinal)
            .Select(g => $"{g.Key} ({string.Join(", ", g.Select(Reading))})");

    // A strong drift's p-value is far below 0.0001, which four decimals would print as 0.
    private static string PValue(double p) =>
        p is > 0 and < 0.0001 ? p.ToString("0.#E+00", CultureInfo.InvariantCulture) : JsonValues.FormatNumber(p);

    private static string Reading(JsonElement test) =>
        test.Number("pValue") is { } p
            ? $"{test.Text("test")} p {PValue(p)}"
            : $"{test.Text("test")} {test.Text("statistic")}";
}
