namespace Serverless.Functions.Identity;

/// <summary>
/// Declares who may call an HTTP function: a caller whose validated token carries any one of <see cref="Roles"/>.
/// The authorization middleware enforces it before the function body runs (401 without a valid token, 403 naming the role).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RequireRoleAttribute(params string[] roles) : Attribute
{
    /// <summary>The roles any one of which admits the caller.</summary>
    public IReadOnlyList<string> Roles { get; } = roles;

    /// <summary>
    /// Whether a caller without a bearer token is admitted on a valid function key (<c>Auth__FunctionKeys</c>, checked by
    /// the app), when <c>Auth__AllowFunctionKeyForPredictions</c> allows it (predictions, so applications that call with
    /// a key keep working).
    /// </summary>
    public bool AllowFunctionKey { get; init; }
}
