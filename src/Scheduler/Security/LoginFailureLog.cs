namespace Scheduler.Security;

/// <summary>
/// Logs failed logins without one warning per attempt: the first failure of a user name from an address is logged at
/// once, later ones are counted and logged as one summary line per pair every <see cref="Window"/>. Only
/// <see cref="MaxPairs"/> pairs a window are listed; a storm of ever new names or addresses is summed up in one line.
/// A storm of guesses then costs a few dozen lines a minute instead of flooding the log (and the disk).
/// </summary>
internal sealed class LoginFailureLog : IDisposable
{
    /// <summary>How often the counted failures are summed up.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>User/address pairs logged one by one in a window; the rest are summed up together.</summary>
    public const int MaxPairs = 20;

    private const string MalformedUser = "(malformed credentials)";

    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private Dictionary<(string User, string Address), Counts> _pairs = [];
    private int _overflowCount;
    private HashSet<(string User, string Address)> _overflowPairs = [];

    /// <summary>Creates the log; summaries are written on <paramref name="time"/>'s timer.</summary>
    public LoginFailureLog(ILogger<LoginFailureLog> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        _logger = logger;
        _timer = time.CreateTimer(_ => Flush(), null, Window, Window);
    }

    /// <summary>A wrong password or an unknown user name.</summary>
    public void Failed(string userName, string remoteAddress) => Record(userName, remoteAddress, throttled: false, "wrong password or unknown user");

    /// <summary>An attempt answered 429 without a password check.</summary>
    public void Throttled(string userName, string remoteAddress) => Record(userName, remoteAddress, throttled: true, "throttled: too many failed logins");

    /// <summary>An Authorization header that is not base64 of <c>user:password</c>.</summary>
    public void Malformed(string remoteAddress) => Record(MalformedUser, remoteAddress, throttled: false, "malformed credentials");

    /// <summary>Writes the pending summaries now (also done every <see cref="Window"/>).</summary>
    public void Flush()
    {
        Dictionary<(string User, string Address), Counts> pairs;
        int overflowCount;
        int overflowPairs;
        lock (_lock)
        {
            pairs = _pairs;
            overflowCount = _overflowCount;
            overflowPairs = _overflowPairs.Count;
            _pairs = [];
            _overflowCount = 0;
            _overflowPairs = [];
        }

        foreach (var ((user, address), counts) in pairs.Where(p => p.Value.More > 0))
        {
            _logger.LoginFailuresSummary(counts.More, user, address, Window, counts.Throttled);
        }

        if (overflowCount > 0)
        {
            _logger.LoginFailuresOverflow(overflowCount, overflowPairs, Window);
        }
    }

    /// <summary>Stops the summary timer (pending counts are written first).</summary>
    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    private void Record(string userName, string remoteAddress, bool throttled, string failure)
    {
        // Both come from the client: escaped, a CR/LF in a user name cannot forge a log line.
        var name = userName.Length > 128 ? userName[..128] + "…" : userName;
        var key = (ReferenceEquals(userName, MalformedUser) ? name : LogText.Escape(name), LogText.Escape(remoteAddress));
        bool first;
        lock (_lock)
        {
            if (_pairs.TryGetValue(key, out var counts))
            {
                counts.More++;
                counts.Throttled += throttled ? 1 : 0;
                first = false;
            }
            else if (_pairs.Count >= MaxPairs)
            {
                _overflowCount++;
                if (_overflowPairs.Count < 10_000)
                {
                    _overflowPairs.Add(key);
                }

                return;
            }
            else
            {
                _pairs[key] = new Counts();
                first = true;
            }
        }

        if (!first)
        {
            return;
        }

        if (ReferenceEquals(userName, MalformedUser))
        {
            _logger.MalformedCredentials(key.Item2, Window);
        }
        else
        {
            _logger.LoginFailed(key.Item1, key.Item2, failure, Window);
        }
    }

    private sealed class Counts
    {
        public int More { get; set; }

        public int Throttled { get; set; }
    }
}
