namespace Scheduler.Runs.Lifecycle;

/// <summary>What a transition tells <see cref="IRunObserver"/>s.</summary>
internal enum RunNotice
{
    None,

    /// <summary>The run was just reserved (Submitting) or recorded Skipped.</summary>
    Reserved,

    /// <summary>The run reached a terminal status.</summary>
    Ended,

    /// <summary>The cancel's outcome is still unconfirmed past the grace (said once per run).</summary>
    Unconfirmed,

    /// <summary>The run now waits for a slot of its target (Queued).</summary>
    Queued,

    /// <summary>The retry due for an ended run will not be made: its outcome is final now.</summary>
    RetryAbandoned,
}
