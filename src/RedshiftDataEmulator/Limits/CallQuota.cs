using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Protocol;

namespace RedshiftDataEmulator.Limits;

/// <summary>
/// The Data API's per-operation call rates (<see cref="EmulatorOptions.Quotas"/>): a call beyond the quota within one
/// second is answered ThrottlingException "Rate exceeded" (400), as the service answers.
/// </summary>
/// <remarks>
/// Fixed one-second windows of the emulator's <see cref="TimeProvider"/>: deterministic under a fake clock, and the
/// measure a benchmark reads ("calls that arrived in one second"). A window's calls are counted whether limited or not,
/// so the peak rate is reported for every operation.
/// </remarks>
internal sealed class CallQuota(IOptions<EmulatorOptions> options, TimeProvider timeProvider)
{
    private readonly Dictionary<string, int> _quotas = new(options.Value.Quotas, StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Counter> _operations = new(StringComparer.Ordinal);

    /// <summary>Admits one call of <paramref name="operation"/> or throws ThrottlingException.</summary>
    public void Admit(string operation)
    {
        var second = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var quota = _quotas.GetValueOrDefault(operation);
        lock (_lock)
        {
            if (!_operations.TryGetValue(operation, out var counter))
            {
                counter = new Counter();
                _operations[operation] = counter;
            }

            if (counter.Second != second)
            {
                counter.Second = second;
                counter.InWindow = 0;
            }

            if (quota > 0 && counter.InWindow >= quota)
            {
                counter.Throttled++;
                throw new ApiException(400, "ThrottlingException", "Rate exceeded");
            }

            counter.InWindow++;
            counter.Calls++;
            counter.Peak = Math.Max(counter.Peak, counter.InWindow);
        }
    }

    public IReadOnlyList<OperationLimits> Report()
    {
        lock (_lock)
        {
            return _operations.Keys.Union(_quotas.Keys.Where(k => _quotas[k] > 0))
                .Order(StringComparer.Ordinal)
                .Select(op => _operations.TryGetValue(op, out var c)
                    ? new OperationLimits(op, _quotas.GetValueOrDefault(op), c.Calls, c.Throttled, c.Peak)
                    : new OperationLimits(op, _quotas.GetValueOrDefault(op), 0, 0, 0))
                .ToList();
        }
    }

    /// <summary>Forgets counts and peaks (the current second's window stays, so a reset does not reopen the quota).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            foreach (var counter in _operations.Values)
            {
                counter.Calls = 0;
                counter.Throttled = 0;
                counter.Peak = counter.InWindow;
            }
        }
    }

    private sealed class Counter
    {
        public long Second { get; set; } = long.MinValue;

        public int InWindow { get; set; }

        public long Calls { get; set; }

        public long Throttled { get; set; }

        public int Peak { get; set; }
    }
}
