namespace Scheduler.Benchmarks.Scale;

/// <summary>What one scheduler scenario measured.</summary>
internal sealed record ScenarioResult
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required int Runs { get; init; }

    public required int Completed { get; init; }

    /// <summary>Runs not terminal at the deadline, or terminal as Lost.</summary>
    public required int Lost { get; init; }

    /// <summary>Runs with more than one statement (or execution) in the emulator's submission log.</summary>
    public required int SubmittedTwice { get; init; }

    public required Percentiles Delay { get; init; }

    public required double DescribeCallsPerRun { get; init; }

    public required int PeakDescribeCallsPerSecond { get; init; }

    public required double HangfireJobsPerRun { get; init; }

    public required double CpuSeconds { get; init; }

    public required double PeakMegabytes { get; init; }

    public required double RowsPerRunAfterExpiry { get; init; }

    /// <summary>First trigger to the last run recorded terminal.</summary>
    public required TimeSpan Makespan { get; init; }

    public required double WorkerSeconds { get; init; }

    public int Instances { get; init; } = 1;

    /// <summary>The most runs seen Running (statement submitted, not yet ended) at once.</summary>
    public int PeakInFlight { get; init; }

    /// <summary>The most DescribeStatement calls the shared budget granted (all instances) in one second, from its table.</summary>
    public int PeakGrantedPerSecond { get; init; }

    public int Budget { get; init; }
}
