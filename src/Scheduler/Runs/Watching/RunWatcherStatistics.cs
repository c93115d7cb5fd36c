namespace Scheduler.Runs.Watching;

/// <summary>A point-in-time view of one instance's watcher.</summary>
/// <param name="Watched">Active statements the watcher knows of.</param>
/// <param name="Polling">Long polls open right now.</param>
/// <param name="AwaitingFirstPoll">Known statements this instance has not polled yet (0 = every run is watched).</param>
/// <param name="Calls">DescribeStatement calls made by the watcher.</param>
/// <param name="Recorded">Terminal statuses the watcher recorded.</param>
/// <param name="Errors">Failed calls or recordings (each retried after a back-off).</param>
internal sealed record RunWatcherStatistics(int Watched, int Polling, int AwaitingFirstPoll, long Calls, long Recorded, long Errors);
