namespace Scheduler.Runs.Retries;

/// <summary>What <see cref="RunRetrier.RetryAsync"/> did for an ended run.</summary>
internal enum RunRetryOutcome
{
    /// <summary>No retry is pending for the run (none was decided, or it was abandoned), or the run is gone.</summary>
    NoneDue,

    /// <summary>The retry was reserved now.</summary>
    Reserved,

    /// <summary>The retry had been reserved before (its trigger key exists): nothing was done.</summary>
    AlreadyReserved,

    /// <summary>The mart has no free run slot, or a run for the same logical date is active: recovery tries again.</summary>
    Waiting,

    /// <summary>The mart is gone, disabled or paused (or the scheduler is): the retry is not made and the run says why.</summary>
    Abandoned,
}
