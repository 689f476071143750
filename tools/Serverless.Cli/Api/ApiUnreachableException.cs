namespace Serverless.Cli.Api;

/// <summary>The API could not be reached (refused, unresolvable, reset, timed out); says which URL.</summary>
internal sealed class ApiUnreachableException : Exception
{
    /// <summary>Creates the exception for the URL that could not be reached.</summary>
    public ApiUnreachableException(Uri url, string reason, Exception inner)
        : base($"could not reach {url}: {reason}", inner)
    {
        Url = url;
    }

    /// <summary>The URL that was called.</summary>
    public Uri Url { get; }
}
