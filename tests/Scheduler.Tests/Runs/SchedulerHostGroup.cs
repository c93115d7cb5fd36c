namespace Scheduler.Tests.Runs;

/// <summary>
/// Tests that measure timing (poll lateness, recovery after kill -9 of child processes) run alone, so the other tests'
/// load on a 2-core machine does not decide their figures. Sharing one process is no longer a reason: each host has its
/// own Hangfire storage and activator (<see cref="HangfireIsolationTests"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SchedulerHostGroup
{
    public const string Name = "Timing-sensitive scheduler tests";
}
