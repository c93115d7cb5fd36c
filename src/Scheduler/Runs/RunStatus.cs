using System.Text.Json.Serialization;

namespace Scheduler.Runs;

/// <summary>
/// Where a run is in its lifecycle. <see cref="Queued"/>, <see cref="Submitting"/>, <see cref="Running"/> and
/// <see cref="Cancelling"/> are active (at most one per mart); every other status is terminal and never changes again.
/// </summary>
/// <remarks>Public: its names are the run JSON's <c>status</c> values (CONTRACT.md), an outside contract.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>
    /// Waiting for a slot on its workgroup or cluster (<c>Redshift:MaxActiveStatements</c> were in use, or Redshift
    /// answered ActiveStatementsExceededException); started the moment one frees, first in first out by trigger time,
    /// manual runs first. Nothing of it is running in Redshift.
    /// </summary>
    Queued,

    /// <summary>Reserved; the batch is being (or about to be) sent with BatchExecuteStatement.</summary>
    Submitting,

    /// <summary>Redshift accepted the batch (the statement id is checkpointed); poll jobs follow it.</summary>
    Running,

    /// <summary>
    /// A cancel was requested (by a user or the timeout). The run stays here, its mart reserved, until Redshift says how
    /// the statement ended (or that no statement was created); CancelStatement is retried meanwhile.
    /// </summary>
    Cancelling,

    /// <summary>Every statement finished (also when that happened after a cancel was requested: Redshift's word wins).</summary>
    Succeeded,

    /// <summary>Redshift reported FAILED (the error names the failing statement), or the SQL could not be submitted.</summary>
    Failed,

    /// <summary>Cancelled at a user's request (Redshift ABORTED, or cancelled before submission).</summary>
    Cancelled,

    /// <summary>Still running at the mart's timeout and Redshift confirmed the cancel (ABORTED), or never submitted in time.</summary>
    TimedOut,

    /// <summary>Redshift no longer knows the statement id (its metadata expired), so the outcome cannot be known.</summary>
    Lost,

    /// <summary>Not started because another run of the same mart was active.</summary>
    Skipped,
}
