using Scheduler.Runs.Lifecycle;

namespace Scheduler.Runs.Store;

/// <summary>
/// Reads the run ledger for the pages, the API and whoever looks at one run (jobs, the retrier, the dependency
/// propagator): one row per run, kept after Hangfire has expired the run's jobs. The background sweeps read through
/// <see cref="RunSweepQueries"/>; only <see cref="RunLifecycle"/> writes (<see cref="RunStore"/>).
/// </summary>
internal interface IRunQueries
{
    /// <summary>The run with this id (with its sub-statements), or null.</summary>
    Task<RunRecord?> GetAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>Recent runs without their SQL, newest first, optionally of one mart and/or in one status.</summary>
    /// <param name="mart">Only this mart's runs (ordinal), or null for all.</param>
    /// <param name="status">Only runs in this status, or null for all.</param>
    /// <param name="limit">At most this many (1–1000).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<RunSummary>> ListAsync(string? mart, RunStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>The newest run of each of <paramref name="marts"/> that has one, keyed by mart name.</summary>
    Task<IReadOnlyDictionary<string, RunSummary>> GetLastRunsAsync(IEnumerable<string> marts, CancellationToken cancellationToken);

    /// <summary>The mart's active run (Submitting, Running or Cancelling), or null.</summary>
    Task<RunRecord?> GetActiveAsync(string mart, CancellationToken cancellationToken);

    /// <summary>The newest Succeeded run of <paramref name="mart"/> for exactly this logical date, or null.</summary>
    Task<RunSummary?> GetLatestSucceededAsync(string mart, DateTimeOffset logicalDate, CancellationToken cancellationToken);

    /// <summary>The runs started (or skipped) because of this one: those naming it in <c>upstreamRunIds</c>, oldest first.</summary>
    Task<IReadOnlyList<RunSummary>> ListDownstreamOfAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>The run a trigger key reserved (e.g. <c>retry:&lt;run id&gt;</c>, the retry of a run), or null.</summary>
    Task<RunRecord?> GetByTriggerKeyAsync(string triggerKey, CancellationToken cancellationToken);

    /// <summary>The runs of <paramref name="runIds"/> that still exist (retention purges old ones), without their SQL, by id.</summary>
    Task<IReadOnlyDictionary<Guid, RunSummary>> GetSummariesAsync(IReadOnlyCollection<Guid> runIds, CancellationToken cancellationToken);
}
