using Microsoft.AspNetCore.Mvc;
using Serverless.Core.Registry;
using Serverless.Core.Serving;

namespace Serverless.Functions.Registry;

/// <summary>Maps the registry's errors to the protocol's error body: bad input 400, unknown model or version 404.</summary>
internal static class RegistryResults
{
    public static async Task<IActionResult> HandleAsync(Func<Task<IActionResult>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidModelException)
        {
            return new BadRequestObjectResult(new ErrorResponse(ex.Message));
        }
        catch (ModelNotFoundException ex)
        {
            return new NotFoundObjectResult(new ErrorResponse(ex.Message));
        }
    }
}
