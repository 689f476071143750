using System.CommandLine;
using Serverless.Cli.Commands;
using Spectre.Console;

namespace Serverless.Cli;

/// <summary>The <c>mlops</c> command line: parses the arguments and runs the command against the platform's HTTP API.</summary>
internal static class CliApp
{
    /// <summary>How often <c>--follow</c> polls a retraining's status.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs one command line; returns its exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="handler">Sends the HTTP requests; null for a new one.</param>
    /// <param name="stdout">Tables, results and live progress (colours and live display only when it is a terminal).</param>
    /// <param name="stderr">Errors.</param>
    /// <param name="pollInterval">How often a followed retraining is polled; null for <see cref="DefaultPollInterval"/>.</param>
    /// <param name="cancellationToken">Stops the command.</param>
    public static async Task<int> RunAsync(
        string[] args, HttpMessageHandler? handler, TextWriter stdout, TextWriter stderr, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var options = new GlobalOptions();
        var runner = new CommandRunner(options, handler, CreateConsole(stdout), stdout, stderr, pollInterval ?? DefaultPollInterval);
        var root = new RootCommand("mlops: the operators' tool for the serverless model platform (models, lineage, specs, datasets, retraining, monitoring, audit)");
        options.AddTo(root);
        foreach (Command command in ModelsCommands.Create(runner)
            .Append(SpecsCommands.Create(runner))
            .Append(DatasetsCommands.Create(runner))
            .Concat(RetrainingCommands.Create(runner))
            .Append(MonitoringCommands.Create(runner))
            .Concat(TrafficCommands.Create(runner))
            .Append(AuditCommands.Create(runner)))
        {
            root.Add(command);
        }

        ParseResult parsed = root.Parse(args);
        int exitCode = await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
        // A wrong command line is the caller's mistake, like a 4xx.
        return parsed.Errors.Count > 0 ? ExitCodes.ClientError : exitCode;
    }

    private static IAnsiConsole CreateConsole(TextWriter stdout)
    {
        var output = new AnsiConsoleOutput(stdout);
        bool terminal = output.IsTerminal;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = output,
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Redirected output is read by programs and logs: wide enough that table cells rarely wrap.
            console.Profile.Width = 200;
        }

        return console;
    }
}
