using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Training;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>Puts together what <c>GET /models/{name}/monitoring</c> shows.</summary>
public sealed class MonitoringReader(MonitoringStore store, SpecStore specs, ModelRegistry registry, IOptions<MonitoringOptions> options)
{
    private static readonly string[] GuardrailKinds = [AlertKinds.GuardrailRollback, AlertKinds.GuardrailHeld, AlertKinds.GuardrailCanaryAbort, AlertKinds.GuardrailShadowStop];

    /// <summary>The model's latest windows (at most <paramref name="windows"/>, default <see cref="MonitoringOptions.HistoryWindows"/>), series, alerts and guardrail actions.</summary>
    /// <exception cref="ModelNotFoundException">No such model.</exception>
    public async Task<MonitoringView> GetAsync(string model, int? windows, CancellationToken cancellationToken)
    {
        var info = await registry.GetModelAsync(model, cancellationToken);
        var settings = options.Value;
        int count = windows ?? settings.HistoryWindows;
        ModelSpec? spec = null;
        try
        {
            spec = (await specs.GetAsync(model, null, cancellationToken)).Spec;
        }
        catch (SpecNotFoundException)
        {
            // The app's settings apply.
        }

        var recent = await store.RecentAsync(model, count, cancellationToken);
        var series = recent.AsEnumerable().Reverse()
            .SelectMany(w => w.Versions.SelectMany(v => v.Charts).Select(point => (w.WindowStart, point)))
            .GroupBy(p => (p.point.Chart, p.point.Version, p.point.Shadow))
            .OrderBy(g => g.Key.Version).ThenBy(g => g.Key.Shadow).ThenBy(g => g.Key.Chart, StringComparer.Ordinal)
            .Select(g => new ControlChartSeries(g.Key.Chart, g.Key.Version, [.. g.Select(p => p.WindowStart)], [.. g.Select(p => p.point)], g.Key.Shadow))
            .ToList();
        return new MonitoringView(
            model,
            info.Aliases.TryGetValue(InferenceService.ServingAlias, out int production) ? production : null,
            settings.WindowLength,
            MonitoringPolicy.For(spec, settings),
            [.. (await store.ListPendingAsync(model, cancellationToken)).Order()],
            recent,
            series,
            await store.RecentAlertsAsync(model, 50, null, cancellationToken),
            await store.RecentAlertsAsync(model, 50, GuardrailKinds, cancellationToken));
    }
}
