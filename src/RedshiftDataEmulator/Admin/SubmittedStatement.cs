namespace RedshiftDataEmulator.Admin;

/// <summary>One entry of the submission log (<c>GET /_emulator/statements</c>).</summary>
/// <param name="Id">The statement id.</param>
/// <param name="ClientToken">The ClientToken it was submitted with, if any.</param>
/// <param name="StatementName">The StatementName, if any.</param>
/// <param name="Sqls">The SQL text(s): one for ExecuteStatement, each of a batch in order.</param>
/// <param name="Status">SUBMITTED, PICKED, STARTED, FINISHED, FAILED or ABORTED.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="Executions">How many times its SQL actually started running (0 or 1; more would be a bug).</param>
public sealed record SubmittedStatement(
    string Id, string? ClientToken, string? StatementName, IReadOnlyList<string> Sqls, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Executions);
