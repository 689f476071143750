namespace Serverless.Testing;

/// <summary>
/// The storage the tests share: the Azurite that <c>tools/test</c> started (its connection string in
/// <c>SERVERLESS_TEST_STORAGE</c>), or else one started for this test process.
/// </summary>
public static class TestStorage
{
    /// <summary>The variable <c>tools/test</c> sets to its Azurite's connection string.</summary>
    public const string Variable = "SERVERLESS_TEST_STORAGE";

    private static readonly Lazy<Task<string>> Connection = new(StartAsync);

    /// <summary>The shared connection string.</summary>
    public static Task<string> GetConnectionStringAsync() => Connection.Value;

    private static async Task<string> StartAsync()
    {
        string? configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var azurite = await AzuriteInstance.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return azurite.ConnectionString;
    }
}
