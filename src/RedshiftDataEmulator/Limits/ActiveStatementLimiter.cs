using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Protocol;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator.Limits;

/// <summary>
/// Counts active statements per workgroup or cluster, refuses a submission beyond <see cref="EmulatorOptions.MaxActiveStatements"/>
/// as Redshift does (ActiveStatementsExceededException), and remembers the peak for <c>GET /_emulator/limits</c>.
/// </summary>
/// <remarks>
/// In memory: a statement is active only while this process runs it (start-up recovery ends every statement an
/// earlier process left active), so the count starts at zero with the process.
/// </remarks>
internal sealed class ActiveStatementLimiter(IOptions<EmulatorOptions> options)
{
    private readonly int _max = options.Value.MaxActiveStatements;
    private readonly Lock _lock = new();
    private readonly Dictionary<StatementTarget, Counter> _targets = [];

    /// <summary>Takes a slot for a new statement on <paramref name="target"/>; false when the target is at the cap.</summary>
    public bool TryAcquire(StatementTarget target)
    {
        lock (_lock)
        {
            var counter = CounterOf(target);
            if (_max > 0 && counter.Active >= _max)
            {
                return false;
            }

            counter.Active++;
            counter.Peak = Math.Max(counter.Peak, counter.Active);
            return true;
        }
    }

    /// <summary>Counts a refused submission and returns the service's answer to it: ActiveStatementsExceededException (400).</summary>
    public ApiException Refuse(StatementTarget target)
    {
        lock (_lock)
        {
            CounterOf(target).Refused++;
        }

        return new ApiException(400, "ActiveStatementsExceededException",
            $"Active statements exceeded the limit of {_max} for {target.Describe()} (Emulator:MaxActiveStatements).");
    }

    /// <summary>Gives back the slot of a statement that ended (or was not created after all).</summary>
    public void Release(StatementTarget target)
    {
        lock (_lock)
        {
            if (_targets.TryGetValue(target, out var counter) && counter.Active > 0)
            {
                counter.Active--;
            }
        }
    }

    public IReadOnlyList<TargetLimits> Report()
    {
        lock (_lock)
        {
            return _targets
                .OrderBy(t => t.Key.WorkgroupName ?? "", StringComparer.Ordinal).ThenBy(t => t.Key.ClusterIdentifier ?? "", StringComparer.Ordinal)
                .Select(t => new TargetLimits(t.Key.WorkgroupName, t.Key.ClusterIdentifier, t.Value.Active, t.Value.Peak, t.Value.Refused))
                .ToList();
        }
    }

    /// <summary>Forgets peaks and refusals (active counts stay: those statements still run).</summary>
    public void ResetPeaks()
    {
        lock (_lock)
        {
            foreach (var counter in _targets.Values)
            {
                counter.Peak = counter.Active;
                counter.Refused = 0;
            }
        }
    }

    private Counter CounterOf(StatementTarget target)
    {
        if (!_targets.TryGetValue(target, out var counter))
        {
            counter = new Counter();
            _targets[target] = counter;
        }

        return counter;
    }

    private sealed class Counter
    {
        public int Active { get; set; }

        public int Peak { get; set; }

        public long Refused { get; set; }
    }
}
