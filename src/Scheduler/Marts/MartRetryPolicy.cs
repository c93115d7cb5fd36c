using System.Text.RegularExpressions;

namespace Scheduler.Marts;

/// <summary>
/// <c>Marts:&lt;name&gt;:Retry:*</c>: how many times a Failed, TimedOut or Lost run is run again (as a new run with
/// trigger <c>retry</c>), after what delay, and, when <see cref="OnErrors"/> is not empty, only when the error matches.
/// </summary>
/// <param name="Attempts">Retries after the first run (0: none).</param>
/// <param name="Delay">The first retry's delay; each next one doubles, capped at <see cref="MaxDelay"/>, jittered.</param>
/// <param name="OnErrors">Patterns (case-insensitive regular expressions); empty: retry on any error.</param>
internal sealed record MartRetryPolicy(int Attempts, TimeSpan Delay, IReadOnlyList<Regex> OnErrors)
{
    /// <summary>The default of <c>Retry:Delay</c>.</summary>
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromMinutes(5);

    /// <summary>The cap of the doubling delay.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>The most retries a mart may ask for.</summary>
    public const int MaxAttempts = 20;

    /// <summary>No retries (the default).</summary>
    public static MartRetryPolicy None { get; } = new(0, DefaultDelay, []);
}
