namespace Scheduler.Runs.Watching;

/// <summary>An active run whose statement the watcher follows.</summary>
/// <param name="RunId">The run in the ledger.</param>
/// <param name="StatementId">The Data API statement id checkpointed on the run.</param>
/// <param name="SubmittedAt">When the statement was submitted.</param>
/// <param name="ExpectedDuration">
/// How long this mart's runs usually take (from its earlier runs), or null when unknown. When the budget cannot cover a
/// long poll for every active statement, statements nearest their expected finish are watched first.
/// </param>
internal sealed record ActiveStatement(string RunId, string StatementId, DateTimeOffset SubmittedAt, TimeSpan? ExpectedDuration);
