namespace Scheduler.Backfills;

/// <summary>A backfill (or a catch-up after downtime): a mart's planned dates, run oldest first, a few at a time.</summary>
internal sealed record Backfill
{
    public required Guid BackfillId { get; init; }

    public required BackfillKind Kind { get; init; }

    public required string Mart { get; init; }

    /// <summary>The start of the range asked for (UTC).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>The end of the range asked for (UTC, inclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>At most this many of the backfill's runs are active at once.</summary>
    public required int MaxConcurrent { get; init; }

    public required BackfillRerun Rerun { get; init; }

    /// <summary>Whether each run's success starts the marts that depend on this one.</summary>
    public required bool Downstream { get; init; }

    /// <summary>Parameter overrides every run gets.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public required BackfillStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public string? CancelledBy { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }
}
