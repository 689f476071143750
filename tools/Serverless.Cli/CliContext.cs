using System.Text.Json;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli;

/// <summary>What a command's action works with: the API client, where to write, and how.</summary>
internal sealed class CliContext(MlopsClient client, IAnsiConsole console, TextWriter output, TextWriter error, bool json, TimeSpan pollInterval)
{
    /// <summary>The API.</summary>
    public MlopsClient Client { get; } = client;

    /// <summary>Standard output for tables and live displays.</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>Standard output for plain lines (never wrapped or read as markup).</summary>
    public TextWriter Output { get; } = output;

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>Whether <c>--json</c> asked for the API's JSON instead of tables.</summary>
    public bool Json { get; } = json;

    /// <summary>How often a followed retraining is polled.</summary>
    public TimeSpan PollInterval { get; } = pollInterval;

    /// <summary>Tables for the API's answers.</summary>
    public Renderer Renderer => new(Console);

    /// <summary>Prints <paramref name="body"/> with <paramref name="render"/>, or as the API sent it under <c>--json</c>.</summary>
    public void Show(JsonElement body, Action<JsonElement> render)
    {
        if (Json)
        {
            Output.WriteLine(body.GetRawText());
        }
        else
        {
            render(body);
        }
    }
}
