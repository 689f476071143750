using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Serverless.LocalRuntime.Durable;
using Serverless.LocalRuntime.Worker;

namespace Serverless.LocalRuntime.Bindings;

/// <summary>Values of a function's input bindings (beyond its trigger) for an invocation.</summary>
internal sealed class InputBindings(DurableTaskOptions durable, HostAddresses addresses, Http.FunctionKeyAuthorizer keys)
{
    /// <summary>The scheme and host a request came in on, so that URLs handed back to its caller reach this host.</summary>
    public static Uri BaseUrlOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Uri($"{request.Scheme}://{request.Host}");
    }

    public void AddTo(WorkerFunction function, InvocationRequest request, Uri? baseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(request);
        foreach (var binding in function.Inputs)
        {
            if (string.Equals(binding.Type, BindingTypes.DurableClient, StringComparison.OrdinalIgnoreCase))
            {
                request.InputData.Add(new ParameterBinding { Name = binding.Name, Data = new TypedData { String = DurableClientJson(baseUrl ?? addresses.Public) } });
            }
        }
    }

    /// <summary>
    /// What the Durable extension gives a <c>[DurableClient]</c> parameter: where its gRPC client reaches the task hub
    /// (this host's sidecar service) and the base of the HTTP management URLs it builds.
    /// </summary>
    private string DurableClientJson(Uri baseUrl) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["taskHubName"] = durable.HubName,
        ["connectionName"] = durable.ConnectionName,
        ["rpcBaseUrl"] = addresses.Grpc.ToString(),
        ["httpBaseUrl"] = new Uri(baseUrl, DurableHttpApi.BasePath).ToString(),
        ["requiredQueryStringParameters"] = keys.SystemKey is { Length: > 0 } key ? "code=" + Uri.EscapeDataString(key) : string.Empty,
        // Without it the client's receive limit is 0 and every non-empty answer fails with ResourceExhausted.
        ["maxGrpcMessageSizeInBytes"] = int.MaxValue,
    });
}
