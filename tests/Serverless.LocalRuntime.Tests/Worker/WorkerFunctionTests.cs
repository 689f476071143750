using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Serverless.Functions.Server;
using Serverless.LocalRuntime.Http;
using Serverless.LocalRuntime.Worker;

namespace Serverless.LocalRuntime.Tests.Worker;

public sealed class WorkerFunctionTests
{
    [Fact]
    public void From_UnsupportedBinding_ThrowsNamingFunctionAndBinding()
    {
        var metadata = Metadata("Reads", """{"name":"req","type":"httpTrigger","direction":"In"}""", """{"name":"doc","type":"cosmosDB","direction":"In"}""");

        var error = Assert.Throws<UnsupportedBindingException>(() => WorkerFunction.From(metadata));

        Assert.Contains("'Reads'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'doc'", error.Message, StringComparison.Ordinal);
        Assert.Contains("cosmosDB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_TwoTriggers_Throws()
    {
        var metadata = Metadata("Twice", """{"name":"a","type":"httpTrigger","direction":"In"}""", """{"name":"b","type":"queueTrigger","direction":"In"}""");

        Assert.Throws<UnsupportedBindingException>(() => WorkerFunction.From(metadata));
    }

    [Fact]
    public void Build_RouteUnderAdmin_ThrowsNamingTheFunction()
    {
        var function = WorkerFunction.From(Metadata("Hides", """{"name":"req","type":"httpTrigger","direction":"In","route":"admin/functions/{name}"}"""));

        var error = Assert.Throws<UnsupportedBindingException>(() => FunctionEndpointDataSource.Build([function], string.Empty, _ => _ => Task.CompletedTask));

        Assert.Contains("'Hides'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nothing-here", true)]
    [InlineData("v2/models/x/unknown", true)]
    [InlineData("administrators", true)]
    [InlineData("admin/functions/x", false)]
    [InlineData("Admin", false)]
    [InlineData("runtime/webhooks/durabletask/instances/1", false)]
    public void NotFoundRoute_ReservedHostPaths_AreNotMatched(string path, bool matches)
    {
        // The route's own constraint, as ASP.NET Core routing (the Functions host's too) evaluates it on the catch-all value.
        var pattern = Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(NotFoundFunction.Route);
        string content = Assert.Single(pattern.ParameterPolicies["path"]).Content!;
        Assert.StartsWith("regex(", content, StringComparison.Ordinal);
        var constraint = new Microsoft.AspNetCore.Routing.Constraints.RegexRouteConstraint(content["regex(".Length..^1]);

        bool matched = constraint.Match(null, null, "path", new Microsoft.AspNetCore.Routing.RouteValueDictionary { ["path"] = path }, Microsoft.AspNetCore.Routing.RouteDirection.IncomingRequest);

        Assert.Equal(matches, matched);
    }

    private static RpcFunctionMetadata Metadata(string name, params string[] bindings)
    {
        var metadata = new RpcFunctionMetadata { Name = name, FunctionId = Guid.NewGuid().ToString() };
        metadata.RawBindings.Add(bindings);
        return metadata;
    }
}
