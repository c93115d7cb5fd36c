namespace Scheduler.Runs.Lifecycle;

/// <summary>
/// What can happen to a run. Jobs, the watcher, recovery and users only deliver these to <see cref="RunLifecycle"/>;
/// <see cref="RunStateMachine"/> decides what each does in each status (its transition table is the lifecycle).
/// </summary>
/// <remarks>Public: its names are the events of docs/run-lifecycle.md's diagram and of the transition logs.</remarks>
public enum RunEventKind
{
    /// <summary>BatchExecuteStatement is about to be called: keeps the statements and takes the submit lease.</summary>
    SubmitAttempted,

    /// <summary>The submit step could not finish (throttled, unreachable, lookup failed): try again later.</summary>
    SubmitDeferred,

    /// <summary>Redshift gave the batch's statement id: from the call, or found by its StatementName.</summary>
    Submitted,

    /// <summary>Redshift refused the run's very first request: no statement was created.</summary>
    SubmitRefused,

    /// <summary>Nothing can be sent (invalid SQL, mart gone) and nothing was ever sent.</summary>
    NotSubmittable,

    /// <summary>A lookup by StatementName, with no submit call in flight, found no statement: nothing ran.</summary>
    StatementNotFound,

    /// <summary>DescribeStatement answered: a terminal status ends the run, any other schedules the next poll.</summary>
    Polled,

    /// <summary>DescribeStatement failed (throttled, unreachable, refused): poll again later, nothing is concluded.</summary>
    PollFailed,

    /// <summary>The service says it no longer knows the statement id.</summary>
    StatementUnknown,

    /// <summary>A user asked to cancel.</summary>
    CancelRequested,

    /// <summary>The mart's timeout passed.</summary>
    DeadlinePassed,

    /// <summary>Recovery: the run's next step is overdue (its job was lost); deliver it again.</summary>
    StepOverdue,

    /// <summary>Poll now rather than at the pending poll's time (the watcher hands a FAILED statement over).</summary>
    PollRequested,

    /// <summary>The run took a slot of its target (it holds it until it ends), or a queued run was given one.</summary>
    SlotGranted,

    /// <summary>
    /// No slot on the target (all in use, or Redshift answered ActiveStatementsExceededException): the run waits as
    /// Queued, giving up any slot it held.
    /// </summary>
    SlotUnavailable,

    /// <summary>The retry due for an ended run will not be made (its mart is gone, disabled or paused): the outcome is final.</summary>
    RetryAbandoned,
}
