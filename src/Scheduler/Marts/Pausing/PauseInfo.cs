namespace Scheduler.Marts.Pausing;

/// <summary>A pause in force: when it began and who asked for it.</summary>
/// <param name="PausedAt">When the pause began (UTC).</param>
/// <param name="PausedBy">The user who paused, or null when unknown (loopback without users).</param>
public sealed record PauseInfo(DateTimeOffset PausedAt, string? PausedBy);
