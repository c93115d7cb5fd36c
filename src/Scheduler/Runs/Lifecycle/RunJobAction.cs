namespace Scheduler.Runs.Lifecycle;

/// <summary>
/// What a submit or poll job is to do with the run it was started for: the answer of
/// <see cref="RunStateMachine.NextSubmitAction"/> or <see cref="RunStateMachine.NextPollAction"/>. The job then only does
/// the I/O it names and delivers what it learns as events.
/// </summary>
internal enum RunJobAction
{
    /// <summary>Nothing: the run ended, moved on (a stale poll attempt, a statement already known, Queued), or a submit call may still be in flight.</summary>
    Nothing,

    /// <summary>Deliver <see cref="RunEvent.DeadlinePassed"/>: the mart's timeout passed.</summary>
    DeliverDeadline,

    /// <summary>Submit step: look the statement up by StatementName before anything is sent (a cancel, or past the ClientToken window).</summary>
    LookUp,

    /// <summary>Submit step: send the batch (after the pause gate, the SQL and a slot of the target).</summary>
    Send,

    /// <summary>Poll: one DescribeStatement.</summary>
    Describe,

    /// <summary>Poll of a Cancelling run: CancelStatement (best effort), then DescribeStatement.</summary>
    CancelThenDescribe,
}
