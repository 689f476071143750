using System.Text.Json;
using Microsoft.DurableTask;
using Serverless.LocalRuntime.Functions;

namespace Serverless.LocalRuntime.Durable;

/// <summary>An orchestrator function seen as a Durable Task orchestrator.</summary>
internal sealed class FunctionOrchestrator(FunctionDescriptor function, IServiceProvider services, DataConverter converter) : ITaskOrchestrator
{
    // The raw input is kept as JSON so that the function can read it as whatever type it asks for.
    public Type InputType => typeof(JsonElement?);

    public Type OutputType => FunctionInvoker.ResultType(function.Method);

    public Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
    {
        string? serialized = input is JsonElement element ? element.GetRawText() : null;
        var functionContext = new FunctionOrchestrationContext(context, serialized, converter, services.GetRequiredService<ILoggerFactory>());
        // Orchestrators must not do I/O, so they get the root provider only for constructing their class.
        return FunctionInvoker.InvokeAsync(function, services, functionContext, CancellationToken.None);
    }
}
