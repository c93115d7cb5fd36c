namespace RedshiftDataEmulator.Statements;

/// <summary>The Data API's statement statuses.</summary>
internal static class StatementStatus
{
    public const string Submitted = "SUBMITTED";
    public const string Picked = "PICKED";
    public const string Started = "STARTED";
    public const string Finished = "FINISHED";
    public const string Failed = "FAILED";
    public const string Aborted = "ABORTED";

    public static bool IsTerminal(string status) => status is Finished or Failed or Aborted;
}
