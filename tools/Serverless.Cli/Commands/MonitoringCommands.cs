using System.CommandLine;
using Serverless.Cli.Rendering;

namespace Serverless.Cli.Commands;

/// <summary><c>monitoring NAME</c> and <c>monitoring evaluate</c>: what the platform saw of a model's traffic.</summary>
internal static class MonitoringCommands
{
    /// <summary>The command, its actions bound through <paramref name="runner"/>.</summary>
    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The model's name" };
        var windows = new Option<int?>("--windows") { Description = "How many of the latest evaluated windows to show (1 to 1000; the platform's Monitoring__HistoryWindows by default)" };
        var evaluateFirst = new Option<bool>("--evaluate") { Description = "Evaluate the windows that are due first (POST /monitoring/evaluate), without waiting for the timer" };
        var monitoring = new Command("monitoring", "Show a model's monitoring: evaluated windows, drift per feature, control charts, alerts, guardrail actions")
        {
            name,
            windows,
            evaluateFirst,
        };
        runner.SetAction(monitoring, async (parseResult, context, cancellationToken) =>
        {
            if (parseResult.GetValue(evaluateFirst))
            {
                var run = await context.Client.EvaluateMonitoringAsync(cancellationToken);
                if (!context.Json)
                {
                    await context.Output.WriteLineAsync(MonitoringRenderer.EvaluationRun(run));
                }
            }

            var body = await context.Client.GetMonitoringAsync(parseResult.GetRequiredValue(name), parseResult.GetValue(windows), cancellationToken);
            context.Show(body, new MonitoringRenderer(context.Console).Render);
            return ExitCodes.Success;
        });
        return monitoring;
    }
}
