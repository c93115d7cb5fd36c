namespace Scheduler.Benchmarks.Scale;

/// <summary>A scenario while it runs: its database, emulator, marts and scheduler instances.</summary>
internal sealed class ScenarioRuntime(string work, string database, EmulatorHost emulator, MartSet marts, IReadOnlyDictionary<string, object> settings)
    : IAsyncDisposable
{
    private readonly List<SchedulerInstance> _all = [];

    public string Database { get; } = database;

    public EmulatorHost Emulator { get; } = emulator;

    public MartSet Marts { get; } = marts;

    /// <summary>The instances started so far, killed ones included.</summary>
    public IReadOnlyList<SchedulerInstance> Instances => _all;

    public async Task<SchedulerInstance> StartInstanceAsync(string name, CancellationToken cancellationToken)
    {
        var instance = await SchedulerInstance.StartAsync(name, work, settings, cancellationToken);
        _all.Add(instance);
        return instance;
    }

    /// <summary>CPU seconds used by every instance of the scenario so far.</summary>
    public double CpuSeconds() => _all.Sum(i => i.Metrics().CpuSeconds);

    /// <summary>The highest peak resident memory of any one instance.</summary>
    public double PeakMegabytes() => _all.Select(i => i.Metrics().PeakMegabytes).DefaultIfEmpty(0).Max();

    /// <summary>Polls <paramref name="condition"/> every half second; false when the deadline passes first.</summary>
    public async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (!await condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                return false;
            }

            foreach (var instance in _all)
            {
                instance.Metrics();
            }

            await Task.Delay(500, cancellationToken);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _all)
        {
            await instance.DisposeAsync();
        }
    }
}
