using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Serverless.LocalRuntime.Hosting;
using Serverless.LocalRuntime.Http;

namespace Serverless.LocalRuntime.Tests.Http;

/// <summary>
/// The host's key check by level (azure-functions-host's AuthenticationLevelHandler and AuthUtility): a function key
/// opens <c>function</c> functions, the master key every level, and an anonymous function is served whatever is sent.
/// The app's own endpoints are all anonymous, so the levels above it are checked here, not over the app.
/// </summary>
public sealed class FunctionKeyAuthorizerTests
{
    private readonly FunctionKeyAuthorizer _keys = new(Options.Create(new LocalRuntimeOptions { FunctionKey = "function-key", MasterKey = "master-key" }));

    [Theory]
    [InlineData("function", null, false)]
    [InlineData("function", "wrong", false)]
    [InlineData("function", "function-key", true)]
    [InlineData("function", "master-key", true)]
    [InlineData("admin", "function-key", false)]
    [InlineData("admin", "master-key", true)]
    [InlineData("anonymous", null, true)]
    [InlineData("anonymous", "wrong", true)]
    public void IsAuthorized_KeysConfigured_AsTheHost(string level, string? key, bool expected)
    {
        Assert.Equal(expected, _keys.IsAuthorized(Request(query: key), level));
        Assert.Equal(expected, _keys.IsAuthorized(Request(header: key), level));
    }

    [Fact]
    public void IsAuthorized_NoKeysConfigured_ServesEveryLevelAsCoreTools()
    {
        var open = new FunctionKeyAuthorizer(Options.Create(new LocalRuntimeOptions()));

        Assert.False(open.Enforced);
        Assert.True(open.IsAuthorized(Request(), "function"));
        Assert.True(open.IsAuthorized(Request(), "admin"));
    }

    private static HttpRequest Request(string? query = null, string? header = null)
    {
        var context = new DefaultHttpContext();
        if (query is not null)
        {
            context.Request.QueryString = QueryString.Create("code", query);
        }

        if (header is not null)
        {
            context.Request.Headers["x-functions-key"] = header;
        }

        return context.Request;
    }
}
