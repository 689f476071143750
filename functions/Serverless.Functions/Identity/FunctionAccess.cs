namespace Serverless.Functions.Identity;

/// <summary>An HTTP function and who may call it, as its attributes declare.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="Route">Its route template.</param>
/// <param name="Methods">Its HTTP methods, upper case.</param>
/// <param name="Roles">The roles any one of which admits a caller; empty for a public function.</param>
/// <param name="IsPublic">Open to anyone (<see cref="PublicAttribute"/>).</param>
/// <param name="AllowsFunctionKey">A caller without a token is admitted on a valid function key, where the settings allow it.</param>
/// <param name="Declared">False when the function declares neither roles nor <see cref="PublicAttribute"/>: it is refused to everyone.</param>
public sealed record FunctionAccess(
    string Name, string Route, IReadOnlyList<string> Methods, IReadOnlyList<string> Roles, bool IsPublic, bool AllowsFunctionKey, bool Declared);
