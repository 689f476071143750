namespace Serverless.LocalRuntime.Hosting;

/// <summary>Settings of the local Functions host itself (section <c>LocalRuntime</c>).</summary>
internal sealed class LocalRuntimeOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "LocalRuntime";

    /// <summary>
    /// Key that <c>Function</c>-level HTTP functions require (query <c>code</c> or header <c>x-functions-key</c>).
    /// When neither key is set, authorization is not enforced, as under Core Tools.
    /// </summary>
    public string? FunctionKey { get; set; }

    /// <summary>Key that <c>Admin</c>-level functions and the admin endpoint require; it also opens every function.</summary>
    public string? MasterKey { get; set; }

    /// <summary>
    /// How long a dead worker's Durable Task partition leases last before another worker takes them over.
    /// Durable Functions uses 30 s; locally, a shorter lease lets a restarted runtime resume sooner.
    /// </summary>
    public TimeSpan DurableLeaseInterval { get; set; } = TimeSpan.FromSeconds(30);
}
