namespace Scheduler.Alerts;

/// <summary>
/// What a failure webhook receives (as camelCase JSON) and what the delivery job carries; no webhook URL is stored
/// in the job, because Hangfire's dashboard shows job arguments and such URLs often hold a secret.
/// </summary>
/// <param name="AlertId">Stable per run and status (<c>runId:status</c>): receivers may see an alert twice and can drop repeats by it.</param>
/// <param name="Mart">The mart.</param>
/// <param name="RunId">The run.</param>
/// <param name="Status"><c>Failed</c>, <c>TimedOut</c> or <c>Lost</c>.</param>
/// <param name="Trigger"><c>cron</c>, <c>manual</c>, <c>catchup</c>, <c>backfill</c>, <c>retry</c> or <c>upstream</c>.</param>
/// <param name="Error">Redshift's error or the scheduler's explanation.</param>
/// <param name="CreatedAt">When the run was created.</param>
/// <param name="CompletedAt">When the terminal status was recorded.</param>
/// <param name="Link">The run's page in the dashboard, when <c>Scheduler:PublicUrl</c> is set.</param>
/// <param name="Text">One line for chat webhooks (Slack and Mattermost show <c>text</c>).</param>
internal sealed record RunFailureAlert(
    string AlertId,
    string Mart,
    string RunId,
    string Status,
    string Trigger,
    string? Error,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? CompletedAt,
    Uri? Link,
    string Text)
{
    /// <summary>The date the run was for (its logical date).</summary>
    public DateTimeOffset? LogicalDate { get; init; }

    /// <summary>How many attempts were made (1 plus the retries).</summary>
    public int Attempts { get; init; } = 1;
}
