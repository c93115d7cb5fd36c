namespace Scheduler.Benchmarks.Scale;

/// <summary>One run as the ledger holds it at the end of a scenario.</summary>
internal sealed record RunOutcome(
    string RunId,
    string Mart,
    string Status,
    string? StatementId,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? StatementFinishedAt,
    DateTimeOffset? CompletedAt)
{
    public static readonly IReadOnlySet<string> TerminalStatuses =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Succeeded", "Failed", "Cancelled", "TimedOut", "Lost", "Skipped" };

    public bool IsTerminal => TerminalStatuses.Contains(Status);

    /// <summary>The scheduler's completion minus the statement's finish, in seconds.</summary>
    public double? DetectionDelaySeconds => CompletedAt is { } completed && StatementFinishedAt is { } finished
        ? (completed - finished).TotalSeconds
        : null;
}
