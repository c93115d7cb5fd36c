using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using Scheduler.Runs;
using Scheduler.Runs.Steps;
using Scheduler.Scheduling;

namespace Scheduler.Hosting;

/// <summary>
/// Gives finished Hangfire entries a bounded life: the run jobs' succeeded entries <see cref="RunsOptions.JobRetention"/>
/// instead of a day (a run makes a poll job every few seconds, and the ledger keeps the history), and failed jobs of any
/// kind <see cref="RunsOptions.FailedJobRetention"/> (Hangfire never expires them: its Failed list would grow for ever).
/// </summary>
internal sealed class RunJobExpirationFilter(IOptions<RunsOptions> options) : JobFilterAttribute, IApplyStateFilter
{
    /// <inheritdoc />
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transaction);
        var type = context.BackgroundJob.Job?.Type;
        if (context.NewState.IsFinal && (type == typeof(PollRunJob) || type == typeof(SubmitRunJob) || type == typeof(CronTriggerJob)))
        {
            context.JobExpirationTimeout = options.Value.JobRetention;
        }
        else if (context.NewState.Name == FailedState.StateName)
        {
            transaction.ExpireJob(context.BackgroundJob.Id, options.Value.FailedJobRetention);
        }
    }

    /// <inheritdoc />
    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transaction);
        // A failed job retried by hand (requeued) must not disappear under its new state.
        if (context.OldStateName == FailedState.StateName)
        {
            transaction.PersistJob(context.BackgroundJob.Id);
        }
    }
}
