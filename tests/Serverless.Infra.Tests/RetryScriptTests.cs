namespace Serverless.Infra.Tests;

public sealed class RetryScriptTests : IDisposable
{
    private const string Script = "retry.sh";
    private readonly string _folder = Directory.CreateTempSubdirectory("retry-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Retry_CommandSucceedsOnTheThirdAttempt_ExitsZeroAfterThreeRuns()
    {
        // Fails until it has run three times, like an upload refused until the role assignments apply.
        var (exitCode, _, errors) = await ScriptRunner.RunWorkflowScriptAsync(Script, _folder,
            "--first-delay", "0", "--attempts", "5", "--", "bash", "-c", "echo run >> runs; [ $(wc -l < runs) -ge 3 ]");

        Assert.True(exitCode == 0, errors);
        Assert.Equal(3, Runs());
        Assert.Contains("RBAC", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_CommandKeepsFailing_StopsAtTheAttemptBoundWithItsStatusAndSaysWhy()
    {
        var (exitCode, _, errors) = await ScriptRunner.RunWorkflowScriptAsync(Script, _folder,
            "--first-delay", "0", "--attempts", "4", "--", "bash", "-c", "echo run >> runs; exit 7");

        Assert.Equal(7, exitCode);
        Assert.Equal(4, Runs());
        Assert.Contains("giving up", errors, StringComparison.Ordinal);
        Assert.Contains("role assignments", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_NextDelayBeyondTheTimeBound_GivesUpWithoutWaiting()
    {
        // A first delay longer than the whole budget: the script must not sleep past its bound.
        var (exitCode, _, errors) = await ScriptRunner.RunWorkflowScriptAsync(Script, _folder,
            "--first-delay", "3600", "--max-seconds", "60", "--", "bash", "-c", "echo run >> runs; exit 3");

        Assert.Equal(3, exitCode);
        Assert.Equal(1, Runs());
        Assert.Contains("giving up", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_CommandSucceedsAtOnce_RunsItOnce()
    {
        var (exitCode, _, errors) = await ScriptRunner.RunWorkflowScriptAsync(Script, _folder, "--", "bash", "-c", "echo run >> runs");

        Assert.True(exitCode == 0, errors);
        Assert.Equal(1, Runs());
        Assert.Equal(string.Empty, errors);
    }

    private int Runs() => File.ReadAllLines(Path.Combine(_folder, "runs")).Length;
}
