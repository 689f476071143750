using System.Net;
using System.Text.Json;

namespace Serverless.Cli.Api;

/// <summary>The API answered with a 4xx or 5xx; carries its <c>error</c> message and <c>errors</c> list as they were sent.</summary>
internal sealed class ApiException : Exception
{
    /// <summary>Creates the exception for one failed call.</summary>
    public ApiException(HttpStatusCode status, string method, Uri url, string message, IReadOnlyList<ApiFieldError> errors, JsonElement? body)
        : base(message)
    {
        Status = status;
        Method = method;
        Url = url;
        Errors = errors;
        Body = body;
    }

    /// <summary>The response's status code.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The request's method.</summary>
    public string Method { get; }

    /// <summary>The request's URL.</summary>
    public Uri Url { get; }

    /// <summary>The body's <c>errors</c> entries (empty when it had none).</summary>
    public IReadOnlyList<ApiFieldError> Errors { get; }

    /// <summary>The JSON body, when the answer was JSON.</summary>
    public JsonElement? Body { get; }

    /// <summary>Whether the caller is at fault (4xx), as opposed to the platform (5xx).</summary>
    public bool IsClientError => (int)Status is >= 400 and < 500;

    /// <summary>Writes the API's message and each field error, as the API worded them.</summary>
    public void WriteTo(TextWriter writer)
    {
        writer.WriteLine(Message);
        foreach (ApiFieldError error in Errors)
        {
            writer.WriteLine($"  {error.Field}: {error.Message}");
        }
    }
}
