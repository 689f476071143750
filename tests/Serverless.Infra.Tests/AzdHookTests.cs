using System.Text;
using Serverless.Testing;
using YamlDotNet.Serialization;

namespace Serverless.Infra.Tests;

public sealed class AzdHookTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("azd-hook-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AzureYaml_PreprovisionRunsThePrincipalTypeHook()
    {
        var azure = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "azure.yaml")));
        var hook = (Dictionary<object, object>)((Dictionary<object, object>)azure["hooks"])["preprovision"];

        Assert.Equal("sh", hook["shell"]);
        Assert.Equal("./infra/hooks/principal-type.sh", hook["run"]);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "infra", "hooks", "principal-type.sh")));
    }

    [Theory]
    [InlineData("""{"aud":"https://management.core.windows.net/","idtyp":"app","oid":"1"}""", "ServicePrincipal")]
    [InlineData("""{"aud":"https://management.core.windows.net/","idtyp":"user","scp":"user_impersonation","oid":"1"}""", "User")]
    [InlineData("""{"aud":"https://management.core.windows.net/", "scp": "user_impersonation", "name": "Zoë Ångström"}""", "User")]
    [InlineData("""{"aud":"https://management.core.windows.net/","roles":[],"oid":"1"}""", "ServicePrincipal")]
    public async Task PrincipalType_TokenClaims_NameTheKindOfPrincipal(string claims, string expected)
    {
        var (exitCode, output, errors) = await RunHookAsync(null, "--token", Token(claims));

        Assert.True(exitCode == 0, errors);
        Assert.Equal(expected, output.Trim());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    public async Task PrincipalType_UnreadableToken_FallsBackToUser(string token)
    {
        var (exitCode, output, errors) = await RunHookAsync(null, "--token", token);

        Assert.True(exitCode == 0, errors);
        Assert.Equal("User", output.Trim());
    }

    [Fact]
    public async Task PrincipalType_EnvironmentAlreadyHasOne_LeavesItAlone()
    {
        // With a value set the hook must not call azd at all: an azd that fails proves it was not called.
        WriteFakeAzd("#!/bin/sh\necho called >> \"$(dirname \"$0\")/azd-calls\"\nexit 1\n");
        var environment = new Dictionary<string, string>
        {
            ["AZURE_PRINCIPAL_TYPE"] = "Group",
            ["PATH"] = _folder + ":" + Environment.GetEnvironmentVariable("PATH"),
        };

        var (exitCode, _, errors) = await RunHookAsync(environment);

        Assert.True(exitCode == 0, errors);
        Assert.False(File.Exists(Path.Combine(_folder, "azd-calls")));
    }

    [Fact]
    public async Task PrincipalType_ServicePrincipalSignedIn_SetsItInTheAzdEnvironment()
    {
        // A stand-in azd: prints a service principal's token, and records what `azd env set` is given.
        string token = Token("""{"idtyp":"app","oid":"1"}""");
        WriteFakeAzd($$"""
            #!/bin/sh
            case "$1 $2" in
              "auth token") printf '{"token": "{{token}}", "expiresOn": "2030-01-01T00:00:00Z"}\n' ;;
              "env set") echo "$3=$4" >> "$(dirname "$0")/azd-env" ;;
              *) exit 1 ;;
            esac
            """);
        var environment = new Dictionary<string, string>
        {
            ["AZURE_PRINCIPAL_TYPE"] = string.Empty,
            ["PATH"] = _folder + ":" + Environment.GetEnvironmentVariable("PATH"),
        };

        var (exitCode, _, errors) = await RunHookAsync(environment);

        Assert.True(exitCode == 0, errors);
        Assert.Equal("AZURE_PRINCIPAL_TYPE=ServicePrincipal", File.ReadAllText(Path.Combine(_folder, "azd-env")).Trim());
    }

    private void WriteFakeAzd(string script)
    {
        string path = Path.Combine(_folder, "azd");
        File.WriteAllText(path, script.Replace("\r", string.Empty, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private Task<(int ExitCode, string Output, string Errors)> RunHookAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        ScriptRunner.RunAsync("sh", Path.Combine("infra", "hooks", "principal-type.sh"), _folder, environment, arguments);

    /// <summary>An unsigned JWT with these claims: the hook reads claims only, it never validates a token.</summary>
    private static string Token(string claims) => $"{Base64Url("""{"alg":"none"}""")}.{Base64Url(claims)}.signature";

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
