using Microsoft.DurableTask;
using Serverless.LocalRuntime.Functions;

namespace Serverless.LocalRuntime.Durable;

/// <summary>An activity function seen as a Durable Task activity.</summary>
internal sealed class FunctionActivity(FunctionDescriptor function, IServiceScopeFactory scopes, CancellationToken stopping) : ITaskActivity
{
    public Type InputType => function.TriggerParameter.ParameterType;

    public Type OutputType => FunctionInvoker.ResultType(function.Method);

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider, input, stopping);
    }
}
