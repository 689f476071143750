using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Registry;
using Serverless.Core.Serving;

namespace Serverless.Functions.Tests;

public sealed class ApiResultsTests
{
    private static (int? Status, string Error) Answer(IActionResult result)
    {
        var objectResult = Assert.IsType<ObjectResult>(result, exactMatch: false);
        return (objectResult.StatusCode, Assert.IsType<ErrorResponse>(objectResult.Value).Error);
    }

    private static Task<IActionResult> Handle(Exception exception) => Handle(() => throw exception);

    private static Task<IActionResult> Handle(Func<Task<IActionResult>> action)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(), TraceIdentifier = "trace-7" };
        return ApiResults.HandleAsync(context.Request, action);
    }

    public static TheoryData<Exception, int, string> KnownErrors => new()
    {
        { new InvalidInferenceRequestException("bad shape"), 400, "bad shape" },
        { new InvalidModelException("not onnx"), 400, "not onnx" },
        { new InvalidRegistryArgumentException("not a valid alias"), 400, "not a valid alias" },
        { new ModelNotFoundException("no model"), 404, "no model" },
        { new RegistryConflictException("version race lost"), 409, "version race lost" },
        { new ModelTooLargeException(10), 413, "10" },
        { new RequestLimitExceededException("too big (Serving__MaxOutputElements)"), 422, "Serving__MaxOutputElements" },
        { new ModelIntegrityException("hash differs"), 500, "hash differs" },
        { new ModelLoadException("cannot load"), 500, "cannot load" },
        { new RequestFailedException(403, "AuthorizationPermissionMismatch"), 503, "check the app identity's roles" },
        { new RequestFailedException(401, "NoAuthenticationInformation"), 503, "check the app identity's roles" },
        { new RequestFailedException(409, "LeaseAlreadyPresent"), 409, "conflict" },
        { new RequestFailedException(503, "ServerBusy"), 503, "Storage is unavailable" },
        { new RequestFailedException(0, "connection refused"), 503, "Storage is unavailable" },
    };

    [Theory]
    [MemberData(nameof(KnownErrors))]
    public async Task HandleAsync_KnownError_MappedWithAJsonBody(Exception exception, int status, string says)
    {
        var (answered, error) = Answer(await Handle(exception));

        Assert.Equal(status, answered);
        Assert.Contains(says, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(NullReferenceException))]
    public async Task HandleAsync_UnexpectedError_500InternalErrorWithTheId(Type type)
    {
        var (answered, error) = Answer(await Handle((Exception)Activator.CreateInstance(type, "secret detail")!));

        Assert.Equal(500, answered);
        Assert.Contains("trace-7", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret detail", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_RegistryRefusingAName_400()
    {
        var (answered, error) = Answer(await Handle(() =>
        {
            ModelRegistry.ValidateName("a/b");
            return Task.FromResult<IActionResult>(new OkResult());
        }));

        Assert.Equal(400, answered);
        Assert.Contains("not a valid model name", error, StringComparison.Ordinal);
    }
}
