namespace Scheduler.Runs.Lifecycle;

// The state machine's answers to the jobs: what a submit or poll job is to do with a run before any I/O, so every rule
// about what may happen to a run stays in the machine and the jobs only do the I/O and deliver events.
internal static partial class RunStateMachine
{
    /// <summary>
    /// What the submit step is to do with <paramref name="run"/> at <paramref name="now"/>: nothing (ended, Queued,
    /// already submitted, or a lookup now would prove nothing while another copy's submit call may be in flight),
    /// deliver the deadline, look the statement up by name (a cancel, or past the ClientToken window), or send.
    /// </summary>
    public static RunJobAction NextSubmitAction(RunRecord? run, DateTimeOffset now, TimeSpan clientTokenWindow)
    {
        if (run is null || run.Status.IsTerminal() || run.Status == Queued || run.StatementId is not null)
        {
            return RunJobAction.Nothing; // ended, queued (the queue starts it), or submitted (its polls follow it)
        }

        var mustLookUp = run.Status == Cancelling || (run.SubmitAttemptedAt is { } first && now - first > clientTokenWindow);
        if (mustLookUp && run.SubmitLeaseUntil > now)
        {
            // A submit call of another copy may still be in flight, so a lookup now proves nothing; the step was
            // scheduled (or recovery delivers it) for the lease's end.
            return RunJobAction.Nothing;
        }

        if (run.Status == Submitting && now >= run.DeadlineAt)
        {
            return RunJobAction.DeliverDeadline;
        }

        return mustLookUp ? RunJobAction.LookUp : RunJobAction.Send;
    }

    /// <summary>
    /// Whether the submit step sends after a lookup by name found nothing: only for a run still Submitting whose lookup
    /// did not follow a refusal (past the token window nothing exists, so sending again cannot run it twice). Otherwise
    /// the lookup's answer is <see cref="RunEvent.StatementNotFound"/>.
    /// </summary>
    public static bool SendsAfterEmptyLookup(RunRecord run, bool followsRefusal)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Status == Submitting && !followsRefusal;
    }

    /// <summary>
    /// Whether the submit step takes a slot of the run's target before sending: only a Submitting run that holds none and
    /// never attempted a send. Runs reserved before the limit existed, or that may already have reached Redshift, never
    /// wait for a slot.
    /// </summary>
    public static bool TakesSlotBeforeSending(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Status == Submitting && run.SlotKey is null && run.SubmitAttemptedAt is null;
    }

    /// <summary>
    /// Whether Redshift refusing the send proves nothing ran (<see cref="RunEvent.SubmitRefused"/>): only on the run's
    /// very first HTTP request (<paramref name="httpAttempt"/> 1 of its first submit attempt). After an earlier request
    /// that may have reached AWS (a timeout, then rotated credentials), only a lookup by name can say whether it ran.
    /// </summary>
    public static bool RefusalProvesNothingRan(RunRecord run, int httpAttempt)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.SubmitAttempts == 1 && httpAttempt == 1;
    }

    /// <summary>
    /// When a deferred submit step is tried again: after <paramref name="delay"/>, but a Submitting run no later than its
    /// deadline (which then asks Redshift what became of it).
    /// </summary>
    public static DateTimeOffset SubmitRetryAt(RunRecord run, DateTimeOffset now, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(run);
        return NotPastDeadline(run, now, now + delay);
    }

    /// <summary>
    /// What poll job <paramref name="pollAttempt"/> is to do with <paramref name="run"/> at <paramref name="now"/>:
    /// nothing when the run ended, has no statement or moved to another attempt; deliver the deadline for a Running run
    /// past it; resend the cancel before describing a Cancelling run; else describe.
    /// </summary>
    public static RunJobAction NextPollAction(RunRecord? run, int pollAttempt, DateTimeOffset now)
    {
        if (run is null || run.Status.IsTerminal() || run.PollAttempt != pollAttempt || run.StatementId is null)
        {
            return RunJobAction.Nothing;
        }

        if (run.Status == Running && now >= run.DeadlineAt)
        {
            return RunJobAction.DeliverDeadline; // Cancelling, and the poll it schedules sends the cancel
        }

        return run.Status == Cancelling ? RunJobAction.CancelThenDescribe : RunJobAction.Describe;
    }
}
