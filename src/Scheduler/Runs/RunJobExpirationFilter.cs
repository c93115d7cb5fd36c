using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace Scheduler.Runs;

/// <summary>
/// Gives the run jobs' finished Hangfire entries a short life (<see cref="RunsOptions.JobRetention"/> instead of a
/// day): a run makes a poll job every few seconds, and the ledger keeps the history. Failed jobs are not final in
/// Hangfire and stay in its Failed list until deleted.
/// </summary>
public sealed class RunJobExpirationFilter(TimeSpan retention) : JobFilterAttribute, IApplyStateFilter
{
    /// <inheritdoc />
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = context.BackgroundJob.Job?.Type;
        if (context.NewState.IsFinal && (type == typeof(PollRunJob) || type == typeof(SubmitRunJob) || type == typeof(CronTriggerJob)))
        {
            context.JobExpirationTimeout = retention;
        }
    }

    /// <inheritdoc />
    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
