namespace Scheduler.Tests.Runs;

/// <summary>
/// Tests that build the scheduler in this process run alone: Hangfire.AspNetCore resolves each host's JobStorage
/// through the static <c>JobStorage.Current</c>, so two hosts built at once can end up sharing one storage.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SchedulerHostGroup
{
    public const string Name = "Scheduler hosts";
}
