using Scheduler.Runs.Triggers;
using Scheduler.Marts;

namespace Scheduler.Runs.Store;

/// <summary>A run about to be reserved, with everything the ledger stores of it at once.</summary>
/// <param name="Mart">The mart's name.</param>
/// <param name="Request">What the trigger asked for.</param>
/// <param name="LogicalDate">The date it is for (whole seconds).</param>
/// <param name="Interval">Its data interval.</param>
/// <param name="Parameters">Every parameter value it has.</param>
/// <param name="Target">Where it is sent.</param>
/// <param name="Timeout">How long it may take before it is cancelled.</param>
/// <param name="MaxActiveRuns">How many runs of the mart may be active at once.</param>
internal sealed record NewRun(
    string Mart,
    RunRequest Request,
    DateTimeOffset LogicalDate,
    (DateTimeOffset Start, DateTimeOffset End) Interval,
    IReadOnlyDictionary<string, string> Parameters,
    RedshiftTarget Target,
    TimeSpan Timeout,
    int MaxActiveRuns);
