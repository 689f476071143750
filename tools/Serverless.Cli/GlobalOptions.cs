using System.CommandLine;

namespace Serverless.Cli;

/// <summary>The options every command takes, with their defaults from the environment.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The default API URL when neither <c>--url</c> nor <c>MLOPS_URL</c> is given.</summary>
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary><c>--url</c>.</summary>
    public Option<string> Url { get; } = new("--url")
    {
        Description = $"The platform's URL (default: $MLOPS_URL, else {DefaultUrl})",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MLOPS_URL") is { Length: > 0 } url ? url : DefaultUrl,
    };

    /// <summary><c>--key</c>.</summary>
    public Option<string?> Key { get; } = new("--key")
    {
        Description = "Function key, sent as x-functions-key (default: $MLOPS_KEY)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MLOPS_KEY"),
    };

    /// <summary><c>--token</c>.</summary>
    public Option<string?> Token { get; } = new("--token")
    {
        HelpName = "jwt",
        Description = $"Bearer token that says who you are and your roles (default: $MLOPS_TOKEN, else the development token {DevelopmentTokenFile.RelativePath} that ./tools/run writes, found from the current directory up)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MLOPS_TOKEN") is { Length: > 0 } token ? token : DevelopmentTokenFile.Find(Environment.CurrentDirectory),
    };

    /// <summary><c>--json</c>.</summary>
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the API's JSON as it answered instead of tables",
        Recursive = true,
    };

    /// <summary>Adds the options to the root command.</summary>
    public void AddTo(RootCommand root)
    {
        root.Add(Url);
        root.Add(Key);
        root.Add(Token);
        root.Add(Json);
    }
}
