namespace Scheduler.Runs.Triggers;

/// <summary>What a trigger did.</summary>
internal enum TriggerOutcome
{
    /// <summary>A run was reserved and its submit job enqueued.</summary>
    Started,

    /// <summary>Another run of the mart was active; a Skipped run naming it was recorded.</summary>
    Skipped,

    /// <summary>No mart has that name.</summary>
    UnknownMart,

    /// <summary>The trigger gate refused it (disabled mart, paused mart, global pause); no run was recorded.</summary>
    Refused,

    /// <summary>The request is invalid (an unknown or empty parameter override); no run was recorded. The reason says what.</summary>
    Invalid,

    /// <summary>The request waits when busy and the mart had no free run slot; no run was recorded.</summary>
    Busy,
}
