namespace Scheduler.Runs.Lifecycle;

/// <summary>Values of <see cref="RunSummary.CancelReason"/>.</summary>
internal static class CancelReasons
{
    /// <summary>A user asked (dashboard, API, CLI).</summary>
    public const string User = "user";

    /// <summary>The run passed its mart's timeout.</summary>
    public const string Timeout = "timeout";
}
