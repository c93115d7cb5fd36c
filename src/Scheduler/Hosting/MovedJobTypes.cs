using System.Collections.Frozen;
using Hangfire.Common;
using Scheduler.Runs.Retention;
using Scheduler.Runs.Retries;
using Scheduler.Runs.Steps;
using Scheduler.Scheduling;

namespace Scheduler.Hosting;

/// <summary>
/// Hangfire stores each job with its type's name (<c>Scheduler.Runs.PollRunJob, Scheduler</c>). The job classes moved
/// from <c>Scheduler.Runs</c> to their areas' namespaces; jobs stored before the move (a pending poll, a scheduled
/// retry, the recurring cron and retention jobs) still name the old types, so they resolve here to the new ones
/// instead of failing to load after an upgrade.
/// </summary>
internal static class MovedJobTypes
{
    private static readonly FrozenDictionary<string, Type> Moved = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["Scheduler.Runs.SubmitRunJob"] = typeof(SubmitRunJob),
        ["Scheduler.Runs.PollRunJob"] = typeof(PollRunJob),
        ["Scheduler.Runs.RetryRunJob"] = typeof(RetryRunJob),
        ["Scheduler.Runs.RunRetentionJob"] = typeof(RunRetentionJob),
        ["Scheduler.Runs.CronTriggerJob"] = typeof(CronTriggerJob),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The old names, for tests.</summary>
    public static IEnumerable<string> OldNames => Moved.Keys;

    /// <summary>The type a stored job names: a moved job class by its old name, anything else as Hangfire resolves it.</summary>
    public static Type Resolve(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        var comma = typeName.IndexOf(',', StringComparison.Ordinal);
        var name = (comma < 0 ? typeName : typeName[..comma]).Trim();
        return Moved.TryGetValue(name, out var type) ? type : TypeHelper.DefaultTypeResolver(typeName);
    }
}
