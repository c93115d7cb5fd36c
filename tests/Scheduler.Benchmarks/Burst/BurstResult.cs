namespace Scheduler.Benchmarks.Burst;

/// <summary>One side of the burst benchmark.</summary>
internal sealed record BurstResult
{
    public required string Side { get; init; }
    public required int Runs { get; init; }
    public required int Created { get; init; }
    public required int Succeeded { get; init; }
    public required string NotSucceeded { get; init; }
    public required int SubmittedTwice { get; init; }
    public required long Refused { get; init; }
    public required int PeakActive { get; init; }
    public required int SubmitCalls { get; init; }
    public required int PeakSubmitPerSecond { get; init; }
    public required int PeakDescribePerSecond { get; init; }
    public required long Throttled { get; init; }
    public required long ThrottledSubmits { get; init; }
    public required long PeakQueued { get; init; }
    public required long PeakHolding { get; init; }
    public required TimeSpan Makespan { get; init; }
    public required TimeSpan FireToFirstRun { get; init; }
    public required TimeSpan Ideal { get; init; }
    public required int Waves { get; init; }
    public required int Cap { get; init; }
    public required double CpuSeconds { get; init; }
    public required double DetectionP95 { get; init; }
}
