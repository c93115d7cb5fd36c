using System.Globalization;
using Microsoft.Extensions.Logging;
using Scheduler.Alerts;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;
using Scheduler.Telemetry;

namespace Scheduler.Runs;

/// <summary>
/// The one place a run's terminal status is recorded. Idempotent: the first outcome recorded stands, later calls
/// return false and change nothing. Poll jobs use it; so can an in-process watcher that sees a finish first (the
/// delayed poll jobs stay the durable backstop and find the run terminal).
/// </summary>
public sealed partial class RunProgress(
    RunLedger ledger, TimeProvider timeProvider, RunMetrics metrics, FailureAlerts alerts, ILogger<RunProgress> logger)
{
    /// <summary>Records <paramref name="outcome"/> unless the run already ended.</summary>
    /// <returns>True when this call recorded it.</returns>
    public Task<bool> CompleteAsync(Guid runId, RunOutcome outcome, CancellationToken cancellationToken) =>
        CompleteAsync(runId, outcome, pollsToAdd: 0, onlyIfNeverSubmitted: false, cancellationToken);

    /// <summary>
    /// Records the outcome a DescribeStatement response shows, if it is terminal (FINISHED, FAILED, ABORTED).
    /// </summary>
    /// <returns>True when this call recorded a terminal status; false when the statement is still running or the run had already ended.</returns>
    public async Task<bool> TryCompleteAsync(Guid runId, DescribeStatementResponse statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Status.IsTerminal() || OutcomeOf(run, statement) is not { } outcome)
        {
            return false;
        }

        return await CompleteAsync(runId, outcome, pollsToAdd: 0, onlyIfNeverSubmitted: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The terminal outcome <paramref name="statement"/> shows for <paramref name="run"/>, or null while it runs.</summary>
    public static RunOutcome? OutcomeOf(RunRecord run, DescribeStatementResponse statement)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(statement);
        if (!StatusString.IsTerminal(statement.Status))
        {
            return null;
        }

        var subs = SubStatementsOf(run, statement);
        var finishedAt = statement.UpdatedAt;
        switch (statement.Status)
        {
            case StatusString.Finished:
                return new RunOutcome(RunStatus.Succeeded, null, null, finishedAt, subs);

            case StatusString.Failed:
                var all = subs ?? run.SubStatements;
                var failing = all.FirstOrDefault(s => s.Status == StatusString.Failed) ?? all.FirstOrDefault(s => s.Error is not null);
                var error = Security.SecretRedactor.Redact(statement.Error ?? failing?.Error ?? "no error text");
                return failing is null
                    ? new RunOutcome(RunStatus.Failed, $"Redshift reported FAILED: {error}", null, finishedAt, subs)
                    : new RunOutcome(RunStatus.Failed,
                        $"Statement {failing.Index} of {all.Count} failed: {error}\nSQL: {failing.Sql}",
                        failing.Index, finishedAt, subs);

            default: // ABORTED
                return run.CancelReason switch
                {
                    CancelReasons.Timeout => new RunOutcome(RunStatus.TimedOut,
                        $"Still running at the mart's timeout ({Format(run.DeadlineAt - run.CreatedAt)}); CancelStatement aborted it.",
                        null, finishedAt, subs),
                    CancelReasons.User => new RunOutcome(RunStatus.Cancelled, "Cancelled on request; Redshift aborted the statement.", null, finishedAt, subs),
                    _ => new RunOutcome(RunStatus.Cancelled, "Redshift reports the statement ABORTED: it was cancelled outside the scheduler.", null, finishedAt, subs),
                };
        }
    }

    internal async Task<bool> CompleteAsync(Guid runId, RunOutcome outcome, int pollsToAdd, bool onlyIfNeverSubmitted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Status.IsTerminal())
        {
            throw new ArgumentException($"A run can only be completed with a terminal status, not {outcome.Status}.", nameof(outcome));
        }

        var now = timeProvider.GetUtcNow();
        var recorded = await ledger.CompleteAsync(runId, outcome, pollsToAdd, onlyIfNeverSubmitted, now, cancellationToken).ConfigureAwait(false);
        if (recorded)
        {
            var delay = outcome.StatementFinishedAt is { } finished ? (now - finished).TotalMilliseconds : (double?)null;
            LogCompleted(logger, runId, outcome.Status, delay, outcome.Error);
            await AfterCompletedAsync(runId, cancellationToken).ConfigureAwait(false);
        }

        return recorded;
    }

    /// <summary>Metrics and the failure alert, once per run: only the call that recorded the outcome gets here.</summary>
    private async Task AfterCompletedAsync(Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            if (await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false) is { } run)
            {
                metrics.RunCompleted(run);
                alerts.RunEnded(run);
            }
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The outcome is recorded; failing the job now would only repeat a poll that finds the run ended.
            LogAfterCompletedFailed(logger, ex, runId);
        }
    }

    private static List<RunSubStatement>? SubStatementsOf(RunRecord run, DescribeStatementResponse statement)
    {
        if (statement.SubStatements is not { Count: > 0 } reported)
        {
            return null;
        }

        var list = new List<RunSubStatement>(reported.Count);
        for (var position = 0; position < reported.Count; position++)
        {
            var sub = reported[position];
            var colon = sub.Id.LastIndexOf(':');
            var index = colon >= 0 && int.TryParse(sub.Id.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : position + 1;
            var sql = sub.QueryString
                ?? (run.SqlStatements is { } sqls && index <= sqls.Count ? sqls[index - 1] : "");
            list.Add(new RunSubStatement(
                index,
                Security.SecretRedactor.Redact(sql),
                sub.Status ?? "UNKNOWN",
                sub.Duration is { } d ? (long)d.TotalMilliseconds : null,
                sub.ResultRows,
                Security.SecretRedactor.Redact(sub.Error)));
        }

        return list;
    }

    private static string Format(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information,
        Message = "Run {RunId} ended {Status} (detected {DetectionDelayMs} ms after Redshift's UpdatedAt): {Error}")]
    private static partial void LogCompleted(ILogger logger, Guid runId, RunStatus status, double? detectionDelayMs, string? error);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "Run {RunId} ended, but its metrics and failure alert could not be produced")]
    private static partial void LogAfterCompletedFailed(ILogger logger, Exception exception, Guid runId);
}
