namespace Scheduler.Pausing;

/// <summary>The pauses in force: the global one, if any, and each paused mart's.</summary>
/// <param name="Global">The global pause (no new run of any mart), or null.</param>
/// <param name="Marts">Paused marts by name (cron runs do not start; manual runs do).</param>
internal sealed record PauseState(PauseInfo? Global, IReadOnlyDictionary<string, PauseInfo> Marts)
{
    /// <summary>The pause of one mart, or null.</summary>
    public PauseInfo? For(string mart) => Marts.GetValueOrDefault(mart);
}
