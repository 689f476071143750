namespace Serverless.Testing;

/// <summary>Sends <see cref="TestTokens.Admin"/> (every role) with each request that carries no Authorization header of its own.</summary>
public sealed class BearerTokenHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization ??= TestTokens.Bearer(TestTokens.Admin);
        return base.SendAsync(request, cancellationToken);
    }
}
