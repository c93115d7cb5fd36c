using System.Globalization;

namespace Scheduler.Testing;

/// <summary>
/// The one way a test waits: poll a condition until it holds, or fail naming what was awaited and what was last seen.
/// It never measures elapsed time as a result; the timeout is generous on purpose (a shared, loaded machine), so a
/// failure means the condition did not come, not that it came late.
/// </summary>
public static class Eventually
{
    /// <summary>How long a wait lasts unless a test says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How often the condition is looked at unless a test says otherwise.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds, or fails naming <paramref name="what"/> and, when given,
    /// the state <paramref name="lastSeen"/> describes.
    /// </summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null,
        Func<string>? lastSeen = null) =>
        ValueAsync(condition, held => held, what, timeout, interval, _ => lastSeen?.Invoke() ?? "false");

    /// <summary>Polls a synchronous <paramref name="condition"/> until it holds, or fails naming <paramref name="what"/>.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null,
        Func<string>? lastSeen = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout, interval, lastSeen);

    /// <summary>Polls <paramref name="probe"/> until it returns a value (not null), and returns it.</summary>
    public static async Task<T> FoundAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
        where T : class =>
        (await ValueAsync(probe, found => found is not null, what, timeout, interval, _ => "nothing"))!;

    /// <summary>
    /// Reads a value with <paramref name="read"/> until <paramref name="until"/> holds for it, and returns that value;
    /// on timeout the message names <paramref name="what"/> and the last value seen (<paramref name="describe"/>).
    /// </summary>
    /// <remarks>
    /// A read that throws a transient error (the service or PostgreSQL not answering yet) counts as "not yet"; the
    /// last such error is reported on timeout.
    /// </remarks>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> until, string what,
        TimeSpan? timeout = null, TimeSpan? interval = null, Func<T, string?>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(until);
        var limit = timeout ?? DefaultTimeout;
        var deadline = TimeProvider.System.GetUtcNow() + limit;
        var seen = false;
        T last = default!;
        Exception? error = null;
        while (true)
        {
            try
            {
                last = await read();
                seen = true;
                error = null;
                if (until(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or Npgsql.NpgsqlException)
            {
                error = ex;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                var lastSeen = error is not null ? "error: " + error.Message
                    : seen ? (describe is null ? Convert.ToString(last, CultureInfo.InvariantCulture) : describe(last)) ?? "null"
                    : "nothing";
                throw new TimeoutException(
                    string.Create(CultureInfo.InvariantCulture, $"Timed out after {limit.TotalSeconds:0.#} s waiting until {what}; last seen: {lastSeen}"),
                    error);
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }
}
