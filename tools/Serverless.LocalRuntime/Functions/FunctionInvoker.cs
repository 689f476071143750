using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.DurableTask.Client;

namespace Serverless.LocalRuntime.Functions;

/// <summary>
/// Invokes a function as the isolated worker does: a new instance of its class per invocation, created from the
/// invocation's service scope, its parameters bound from the trigger.
/// </summary>
internal static class FunctionInvoker
{
    /// <summary>Runs <paramref name="function"/> and returns what it returned, awaited.</summary>
    public static async Task<object?> InvokeAsync(
        FunctionDescriptor function,
        IServiceProvider scope,
        object? triggerValue,
        CancellationToken cancellationToken,
        Func<string, string?>? routeValue = null)
    {
        var parameters = function.MethodParameters;
        var arguments = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            arguments[i] = function.Parameters[i] switch
            {
                ParameterSource.Trigger => triggerValue,
                ParameterSource.CancellationToken => cancellationToken,
                ParameterSource.DurableClient => scope.GetRequiredService<DurableTaskClient>(),
                ParameterSource.RouteValue => ConvertRouteValue(routeValue?.Invoke(parameters[i].Name!), parameters[i].ParameterType),
                _ => throw new InvalidOperationException($"Unknown parameter source for {function.Name}."),
            };
        }

        object? instance = function.InstanceFactory?.Invoke(scope, null);
        try
        {
            object? returned;
            try
            {
                returned = function.Method.Invoke(instance, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }

            return await UnwrapAsync(returned, function.Method.ReturnType);
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>The type a function's result has once awaited, or <see cref="void"/>.</summary>
    public static Type ResultType(MethodInfo method)
    {
        Type type = method.ReturnType;
        if (type == typeof(Task) || type == typeof(ValueTask))
        {
            return typeof(void);
        }

        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return type;
    }

    private static async Task<object?> UnwrapAsync(object? returned, Type declaredType)
    {
        switch (returned)
        {
            case Task task:
                await task;
                return declaredType.IsGenericType ? declaredType.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            case not null when declaredType.IsGenericType && declaredType.GetGenericTypeDefinition() == typeof(ValueTask<>):
                var asTask = (Task)declaredType.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null)!;
                await asTask;
                return asTask.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(asTask);
            default:
                return returned;
        }
    }

    private static object? ConvertRouteValue(string? value, Type type)
    {
        if (value is null)
        {
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        }

        return type == typeof(string) ? value : TypeDescriptor.GetConverter(type).ConvertFromString(null, CultureInfo.InvariantCulture, value);
    }
}
