using System.CommandLine;
using Serverless.Cli.Api;
using Spectre.Console;

namespace Serverless.Cli;

/// <summary>
/// Runs a command's action with a client built from the global options, and turns expected failures into a message on
/// standard error and an exit code (never a stack trace): the API's own error text for a 4xx (exit 2) or 5xx (exit 1),
/// the unreachable URL (exit 1), or what is wrong with a local input (exit 2).
/// </summary>
internal sealed class CommandRunner(
    GlobalOptions options, HttpMessageHandler? handler, IAnsiConsole console, TextWriter output, TextWriter error, TimeSpan pollInterval)
{
    /// <summary>Makes <paramref name="action"/> the command's action.</summary>
    public void SetAction(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> action) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, action, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, Func<ParseResult, CliContext, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            string url = parseResult.GetValue(options.Url) ?? GlobalOptions.DefaultUrl;
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            {
                throw new CliInputException($"--url: '{url}' is not an absolute http or https URL, such as {GlobalOptions.DefaultUrl}.");
            }

            using var client = new MlopsClient(baseUrl, parseResult.GetValue(options.Key), parseResult.GetValue(options.Token), handler);
            var context = new CliContext(client, console, output, error, parseResult.GetValue(options.Json), pollInterval);
            return await action(parseResult, context, cancellationToken);
        }
        catch (ApiException ex)
        {
            ex.WriteTo(error);
            return ex.IsClientError ? ExitCodes.ClientError : ExitCodes.Failure;
        }
        catch (ApiUnreachableException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.Failure;
        }
        catch (CliInputException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.ClientError;
        }
    }
}
