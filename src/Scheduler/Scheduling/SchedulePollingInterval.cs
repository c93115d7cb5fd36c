namespace Scheduler.Scheduling;

/// <summary>How often Hangfire's scheduler looks for due jobs, as the composition root configured it.</summary>
/// <param name="Value">The interval (<c>Hangfire:SchedulePollingInterval</c>).</param>
internal sealed record SchedulePollingInterval(TimeSpan Value);
