namespace Scheduler.Runs;

/// <summary>What a trigger did.</summary>
public enum TriggerOutcome
{
    /// <summary>A run was reserved and its submit job enqueued.</summary>
    Started,

    /// <summary>Another run of the mart was active; a Skipped run naming it was recorded.</summary>
    Skipped,

    /// <summary>No mart has that name.</summary>
    UnknownMart,
}
