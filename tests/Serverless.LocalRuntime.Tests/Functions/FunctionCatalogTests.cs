using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Serverless.Functions;
using Serverless.LocalRuntime.Functions;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Functions;

public sealed class FunctionCatalogTests
{
    [Fact]
    public void Catalog_AppAssembly_MatchesTheFunctionsMetadataTheSdkGenerated()
    {
        string path = Path.Combine(RepositoryPaths.OutputOf("functions/Serverless.Functions"), "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Functions SDK writes it when the app builds.");
        using var metadata = JsonDocument.Parse(File.ReadAllText(path));
        var catalog = new FunctionCatalog(typeof(ServerlessAppServiceCollectionExtensions).Assembly);

        var expected = metadata.RootElement.EnumerateArray().Select(FromMetadata).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var actual = catalog.Functions.Select(FromCatalog).OrderBy(f => f, StringComparer.Ordinal).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
        Assert.Contains(catalog.Functions, f => f.Trigger == TriggerKind.HttpTrigger);
        Assert.Contains(catalog.Functions, f => f.Trigger == TriggerKind.QueueTrigger);
        Assert.Contains(catalog.Functions, f => f.Trigger == TriggerKind.TimerTrigger);
        Assert.Contains(catalog.Functions, f => f.Trigger == TriggerKind.OrchestrationTrigger);
        Assert.Contains(catalog.Functions, f => f.Trigger == TriggerKind.ActivityTrigger);
    }

    [Fact]
    public void Catalog_UnsupportedParameter_ThrowsNamingFunctionAndParameter()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([typeof(UnsupportedParameterFunctions)]));

        Assert.Contains("'Unsupported'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'services'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_TwoTriggers_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([typeof(TwoTriggerFunctions)]));

        Assert.Contains("exactly one trigger", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_HttpRouteOmitted_DefaultsToFunctionNameAndAllMethods()
    {
        var function = Assert.Single(new FunctionCatalog([typeof(DefaultRouteFunctions)]).Functions);

        Assert.Equal("Echo", function.Route);
        Assert.Empty(function.HttpMethods);
        Assert.Equal([ParameterSource.Trigger, ParameterSource.CancellationToken], function.Parameters);
    }

    private static string FromMetadata(JsonElement function)
    {
        var trigger = function.GetProperty("bindings").EnumerateArray()
            .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        string? Get(string name) => trigger.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var methods = trigger.TryGetProperty("methods", out var m) ? string.Join(",", m.EnumerateArray().Select(x => x.GetString())) : string.Empty;
        return string.Join(" | ",
            function.GetProperty("name").GetString(),
            function.GetProperty("entryPoint").GetString(),
            trigger.GetProperty("type").GetString(),
            Get("route") ?? (trigger.GetProperty("type").GetString() == "httpTrigger" ? function.GetProperty("name").GetString() : string.Empty),
            methods,
            Get("authLevel") ?? string.Empty,
            Get("queueName") ?? string.Empty,
            Get("schedule") ?? string.Empty);
    }

    private static string FromCatalog(FunctionDescriptor function) => string.Join(" | ",
        function.Name,
        function.EntryPoint,
        char.ToLowerInvariant(function.Trigger.ToString()[0]) + function.Trigger.ToString()[1..],
        function.Route ?? string.Empty,
        string.Join(",", function.HttpMethods),
        function.Trigger == TriggerKind.HttpTrigger ? function.AuthLevel.ToString() : string.Empty,
        function.QueueName ?? string.Empty,
        function.Schedule ?? string.Empty);

    private sealed class UnsupportedParameterFunctions
    {
        [Function("Unsupported")]
        public static void Run([QueueTrigger("q")] string message, IServiceProvider services) => _ = (message, services);
    }

    private sealed class TwoTriggerFunctions
    {
        [Function("Two")]
        public static void Run([QueueTrigger("q")] string message, [TimerTrigger("* * * * * *")] TimerInfo timer) => _ = (message, timer);
    }

    private sealed class DefaultRouteFunctions
    {
        [Function("Echo")]
        public static string Run([HttpTrigger(AuthorizationLevel.Anonymous)] HttpRequest request, CancellationToken cancellationToken) =>
            request.Path + cancellationToken.IsCancellationRequested.ToString();
    }
}
