namespace Scheduler.Marts;

/// <summary>A validated mart: a SQL file, an optional schedule and how its runs are polled and bounded.</summary>
/// <param name="Name">The configuration key under <c>Marts</c>, or the definition file's name; safe in ids and URLs.</param>
/// <param name="SqlFile">The SQL file relative to <c>Sql:Root</c> (as configured, or resolved from a definition file).</param>
/// <param name="SqlPath">The SQL file's full path with symbolic links resolved, inside <c>Sql:Root</c>.</param>
/// <param name="Cron">Cronos expression (5 or 6 fields), or null for a manual-only mart.</param>
/// <param name="TimeZone">The zone the cron expression is evaluated in.</param>
/// <param name="Timeout">Longest a run may take before it is cancelled.</param>
/// <param name="PollInitialInterval">First poll delay; later ones grow towards <paramref name="PollMaxInterval"/>.</param>
/// <param name="PollMaxInterval">The cap of the adaptive poll interval.</param>
/// <param name="Enabled">False keeps the definition but schedules nothing.</param>
/// <param name="Target">Where the SQL runs.</param>
internal sealed record MartDefinition(
    string Name,
    string SqlFile,
    string SqlPath,
    string? Cron,
    TimeZoneInfo TimeZone,
    TimeSpan Timeout,
    TimeSpan PollInitialInterval,
    TimeSpan PollMaxInterval,
    bool Enabled,
    RedshiftTarget Target)
{
    /// <summary>
    /// The folder <see cref="SqlPath"/> must stay in when it is read again at submit time (<c>Sql:Root</c> with its
    /// links resolved); by default the SQL file's own folder.
    /// </summary>
    public string SqlRoot { get; init; } = Path.GetDirectoryName(SqlPath) ?? SqlPath;

    /// <summary>The definition file (relative to <c>Sql:Root</c>) this mart comes from; null when it is in configuration.</summary>
    public string? DefinitionFile { get; init; }

    /// <summary>The mart's own <c>Alerts:WebhookUrl</c> from its definition file; null otherwise.</summary>
    public Uri? AlertWebhookUrl { get; init; }

    /// <summary><c>Parameters:&lt;param&gt;</c>: the defaults of the SQL's own parameters (besides the built-in ones).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>What each statement of the SQL file uses (<c>:name</c>), as read at validation; for <c>validate</c>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> StatementParameters { get; init; } = [];

    /// <summary><c>MaxActiveRuns</c>: how many runs of this mart may be active at once, across all triggers (default 1).</summary>
    public int MaxActiveRuns { get; init; } = 1;

    /// <summary><c>CatchUp</c>: what happens to cron slots missed while the scheduler was down.</summary>
    public MartCatchUp CatchUp { get; init; } = MartCatchUp.Latest;

    /// <summary><c>MaxCatchUp</c>: the most missed slots <see cref="MartCatchUp.All"/> runs (default 24).</summary>
    public int MaxCatchUp { get; init; } = MartConfiguration.DefaultMaxCatchUp;

    /// <summary><c>Retry:*</c>: retries of Failed, TimedOut and Lost runs.</summary>
    public MartRetryPolicy Retry { get; init; } = MartRetryPolicy.None;

    /// <summary><c>DependsOn</c>: the marts this one reads from; it runs after all of them succeeded for a logical date.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>
    /// Equal when every setting is: the live catalog compares each reload with what it holds, and a change it cannot see
    /// (a list compared by reference) would raise a change on every rescan.
    /// </summary>
    public bool Equals(MartDefinition? other) =>
        other is not null
        && Name == other.Name && SqlFile == other.SqlFile && SqlPath == other.SqlPath && SqlRoot == other.SqlRoot && Cron == other.Cron
        && TimeZone.Equals(other.TimeZone) && Timeout == other.Timeout && PollInitialInterval == other.PollInitialInterval
        && PollMaxInterval == other.PollMaxInterval && Enabled == other.Enabled && Target == other.Target
        && DefinitionFile == other.DefinitionFile && AlertWebhookUrl == other.AlertWebhookUrl
        && MaxActiveRuns == other.MaxActiveRuns && CatchUp == other.CatchUp && MaxCatchUp == other.MaxCatchUp
        && Parameters.Count == other.Parameters.Count
        && Parameters.All(p => other.Parameters.TryGetValue(p.Key, out var value) && value == p.Value)
        && StatementParameters.Count == other.StatementParameters.Count
        && StatementParameters.Zip(other.StatementParameters).All(pair => pair.First.SequenceEqual(pair.Second))
        && Retry.Attempts == other.Retry.Attempts && Retry.Delay == other.Retry.Delay
        && Retry.OnErrors.Select(r => r.ToString()).SequenceEqual(other.Retry.OnErrors.Select(r => r.ToString()))
        && DependsOn.SequenceEqual(other.DependsOn, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, SqlPath, Cron, Timeout, Target, MaxActiveRuns, Parameters.Count);
}
