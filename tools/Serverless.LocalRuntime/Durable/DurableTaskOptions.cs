namespace Serverless.LocalRuntime.Durable;

/// <summary>The task hub this host serves, from host.json's <c>extensions.durableTask</c>.</summary>
internal sealed record DurableTaskOptions(string HubName, string ConnectionName);
