using System.Text.Json.Serialization;

namespace Scheduler.Runs;

/// <summary>
/// Where a run is in its lifecycle. <see cref="Submitting"/>, <see cref="Running"/> and <see cref="Cancelling"/> are
/// active (at most one per mart); every other status is terminal and never changes again.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>Reserved; the batch is being (or about to be) sent with BatchExecuteStatement.</summary>
    Submitting,

    /// <summary>Redshift accepted the batch (the statement id is checkpointed); poll jobs follow it.</summary>
    Running,

    /// <summary>CancelStatement was requested (by a user or the timeout); polls wait for Redshift to confirm.</summary>
    Cancelling,

    /// <summary>Every statement finished.</summary>
    Succeeded,

    /// <summary>Redshift reported FAILED (the error names the failing statement), or the SQL could not be submitted.</summary>
    Failed,

    /// <summary>Cancelled at a user's request (Redshift ABORTED, or cancelled before submission).</summary>
    Cancelled,

    /// <summary>Still running at the mart's timeout; the statement was cancelled.</summary>
    TimedOut,

    /// <summary>Redshift no longer knows the statement (its metadata expired), so the outcome cannot be known.</summary>
    Lost,

    /// <summary>Not started because another run of the same mart was active.</summary>
    Skipped,
}
