namespace Scheduler.Pausing;

/// <summary>A pause in force: when it began and who asked for it.</summary>
/// <param name="PausedAt">When the pause began (UTC).</param>
/// <param name="PausedBy">The user who paused, or null when unknown (loopback without users).</param>
internal sealed record PauseInfo(DateTimeOffset PausedAt, string? PausedBy)
{
    /// <summary>Why it was paused (<c>{"reason": "…"}</c>), shown in the banner and the log; null when none was given.</summary>
    public string? Reason { get; init; }
}
