using Xunit;

namespace Serverless.Testing;

/// <summary>One in-process local runtime on the shared test storage, for a test class.</summary>
public class LocalRuntimeFixture : IAsyncLifetime
{
    private InProcessRuntime? _runtime;

    /// <summary>The running runtime.</summary>
    public InProcessRuntime Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    /// <summary>The shared storage's connection string.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Settings this fixture's runtime runs with, beyond the defaults of <see cref="RuntimeSettings"/>.</summary>
    protected virtual IReadOnlyDictionary<string, string>? SettingOverrides => null;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        ConnectionString = await TestStorage.GetConnectionStringAsync();
        _runtime = await InProcessRuntime.StartAsync(ConnectionString, SettingOverrides);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }
}
