namespace Serverless.Core.Registry;

/// <summary>Who moves an alias, why, and under which operation id (a repeated operation moves it once).</summary>
/// <param name="ChangedBy">Who or what moves it.</param>
/// <param name="Kind">One of <see cref="AliasMoveKinds"/>.</param>
/// <param name="Reason">Free text kept in the history.</param>
/// <param name="OperationId">When set, a second move with the same id changes nothing and returns the first move.</param>
/// <param name="ExpectedVersion">When set, the move happens only if the alias still points there (a rollback decided on what it saw).</param>
public sealed record AliasMove(string ChangedBy, string Kind = AliasMoveKinds.Manual, string? Reason = null, string? OperationId = null, int? ExpectedVersion = null);
