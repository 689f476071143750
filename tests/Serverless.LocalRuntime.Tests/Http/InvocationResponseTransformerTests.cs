using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Serverless.LocalRuntime.Http;

namespace Serverless.LocalRuntime.Tests.Http;

/// <summary>
/// A function that throws under the ASP.NET Core integration ends the forwarded request with an empty 200 (NOTES.md of
/// the protocol); the host turns it into a 500 with a JSON body, and passes a real answer through.
/// </summary>
public sealed class InvocationResponseTransformerTests
{
    [Fact]
    public async Task TransformResponse_EmptyAnswerAndFailedInvocation_500WithJsonNamingTheFunction()
    {
        var failed = new InvocationResponse
        {
            InvocationId = "inv-1",
            Result = new StatusResult { Status = StatusResult.Types.Status.Failure, Exception = new Microsoft.Azure.Functions.Worker.Grpc.Messages.RpcException { Type = "System.InvalidOperationException", Message = "boom" } },
        };
        var transformer = new InvocationResponseTransformer(Task.FromResult(failed), "Explodes", "inv-1");
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        using var empty = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };

        bool copyBody = await transformer.TransformResponseAsync(context, empty, CancellationToken.None);

        Assert.False(copyBody);
        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        string error = JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("error").GetString()!;
        Assert.Contains("Explodes", error, StringComparison.Ordinal);
        Assert.Contains("boom", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransformResponse_EmptyAnswerAndSuccessfulInvocation_PassesThrough()
    {
        var succeeded = new InvocationResponse { InvocationId = "inv-2", Result = new StatusResult { Status = StatusResult.Types.Status.Success } };
        var transformer = new InvocationResponseTransformer(Task.FromResult(succeeded), "Empty", "inv-2");
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        using var noContent = new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };

        bool copyBody = await transformer.TransformResponseAsync(context, noContent, CancellationToken.None);

        // The forwarder copies the worker's status itself; the transformer only must not write an error of its own.
        Assert.True(copyBody);
        Assert.Equal(0, context.Response.Body.Length);
    }

    [Fact]
    public async Task TransformResponse_AnswerWithBody_StreamsWithoutWaitingForTheInvocation()
    {
        var pending = new TaskCompletionSource<InvocationResponse>();
        var transformer = new InvocationResponseTransformer(pending.Task, "Streams", "inv-3");
        var context = new DefaultHttpContext();
        using var answer = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"ok\":true}") };

        bool copyBody = await transformer.TransformResponseAsync(context, answer, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(copyBody);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }
}
