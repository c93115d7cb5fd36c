namespace Scheduler.Runs.Triggers;

/// <summary>What a cancel did.</summary>
internal enum CancelOutcome
{
    /// <summary>The run is now Cancelling (CancelStatement sent), or was cancelled before anything reached Redshift.</summary>
    Requested,

    /// <summary>The run had already ended.</summary>
    NotActive,

    /// <summary>No run has that id.</summary>
    NotFound,
}
