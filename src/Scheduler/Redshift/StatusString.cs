namespace Scheduler.Redshift;

/// <summary>Values of the Data API's <c>StatusString</c> / <c>StatementStatusString</c> (kept as strings on the wire).</summary>
internal static class StatusString
{
    public const string Submitted = "SUBMITTED";
    public const string Picked = "PICKED";
    public const string Started = "STARTED";
    public const string Finished = "FINISHED";
    public const string Aborted = "ABORTED";
    public const string Failed = "FAILED";

    /// <summary>Only a ListStatements filter value.</summary>
    public const string All = "ALL";

    /// <summary>True for FINISHED, FAILED and ABORTED. Anything else, including values not in the model, is still running.</summary>
    public static bool IsTerminal(string? status) => status is Finished or Failed or Aborted;
}
