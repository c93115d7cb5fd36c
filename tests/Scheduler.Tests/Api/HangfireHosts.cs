namespace Scheduler.Tests.Api;

/// <summary>
/// Tests that start a whole service (Hangfire server included) run one at a time, after the parallel tests: Hangfire
/// keeps process-wide state (<c>JobStorage.Current</c>, the log provider, the serializer and filter settings), and
/// with several servers starting and stopping in one process, jobs were seen fetched and then left unprocessed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireHosts
{
    public const string Name = "Hangfire hosts";
}
