using System.Collections.Concurrent;

namespace Scheduler.Security;

/// <summary>
/// Limits password checks (what failed logins cost: a full PBKDF2 each) per client address and per user name, with
/// token buckets: a burst, then one check back every <see cref="ReplenishmentPeriod"/>. A request over either limit is
/// answered 429 with <c>Retry-After</c> before any hashing. A user whose password was checked recently is served from
/// <see cref="CredentialVerifier"/>'s cache and never reaches the throttle, so a storm against their name does not
/// lock them out of a session they already have.
/// </summary>
/// <remarks>
/// The buckets are computed from the injected <see cref="TimeProvider"/> when used (no timer per bucket), so a fake
/// clock drives them in tests. <c>System.Threading.RateLimiting</c>'s token bucket was the first choice, but it reads
/// <c>Stopwatch</c> time even when replenished by hand, which no test can control. Full buckets are dropped every
/// <see cref="ReplenishmentPeriod"/>, so memory follows the attackers of the last minutes, and at most
/// <see cref="MaxPartitions"/> addresses (or names) are tracked one by one; beyond that they share one bucket.
/// </remarks>
internal sealed class LoginThrottle : IDisposable
{
    /// <summary>Password checks one client address may make at once before it is throttled.</summary>
    public const int AddressBurst = 10;

    /// <summary>Password checks against one user name at once before it is throttled.</summary>
    public const int UserBurst = 10;

    /// <summary>Each bucket gets one check back every period (10 a minute).</summary>
    public static readonly TimeSpan ReplenishmentPeriod = TimeSpan.FromSeconds(6);

    /// <summary>Addresses (and names) tracked separately; beyond that they share one bucket.</summary>
    public const int MaxPartitions = 10_000;

    private const string Overflow = "\0overflow";
    private const int MaxUserNameLength = 128;

    private readonly ConcurrentDictionary<string, Bucket> _byAddress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Bucket> _byUser = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    /// <summary>Creates the throttle on <paramref name="time"/>.</summary>
    public LoginThrottle(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _timer = time.CreateTimer(_ => DropFullBuckets(), null, ReplenishmentPeriod, ReplenishmentPeriod);
    }

    /// <summary>
    /// Takes one password check from the address's and the user name's allowance; false (with how long to wait) when
    /// either is used up. Nothing is taken when the answer is false.
    /// </summary>
    public bool TryAcquire(string remoteAddress, string userName, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(remoteAddress);
        ArgumentNullException.ThrowIfNull(userName);
        var name = userName.Length > MaxUserNameLength ? userName[..MaxUserNameLength] : userName;
        var byAddress = Get(_byAddress, AddressKey(remoteAddress), AddressBurst);
        var byUser = Get(_byUser, name, UserBurst);
        var now = _time.GetUtcNow();

        // One lock order (address, then user) for every caller.
        lock (byAddress)
        {
            lock (byUser)
            {
                var waitAddress = byAddress.TimeUntilAvailable(now);
                var waitUser = byUser.TimeUntilAvailable(now);
                if (waitAddress > TimeSpan.Zero || waitUser > TimeSpan.Zero)
                {
                    var wait = waitAddress > waitUser ? waitAddress : waitUser;
                    retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));
                    return false;
                }

                byAddress.Take();
                byUser.Take();
            }
        }

        retryAfter = TimeSpan.Zero;
        return true;
    }

    /// <summary>
    /// The bucket an address counts against: an IPv4 address itself, an IPv6 address its /64 network. One IPv6 host
    /// usually holds a whole /64 and may pick a new address in it for every request, so keying full addresses would
    /// give it 2^64 fresh allowances.
    /// </summary>
    public static string AddressKey(string remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(remoteAddress);
        if (!System.Net.IPAddress.TryParse(remoteAddress, out var address))
        {
            return remoteAddress;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    /// <summary>Stops the clean-up timer.</summary>
    public void Dispose() => _timer.Dispose();

    private Bucket Get(ConcurrentDictionary<string, Bucket> buckets, string key, int burst)
    {
        if (buckets.TryGetValue(key, out var existing))
        {
            return existing;
        }

        if (buckets.Count >= MaxPartitions)
        {
            key = Overflow;
        }

        return buckets.GetOrAdd(key, static (_, state) => new Bucket(state.burst, state.now), (burst, now: _time.GetUtcNow()));
    }

    private void DropFullBuckets()
    {
        var now = _time.GetUtcNow();
        foreach (var buckets in new[] { _byAddress, _byUser })
        {
            foreach (var (key, bucket) in buckets)
            {
                lock (bucket)
                {
                    // A full bucket holds nothing worth keeping: a later request starts a fresh, full one.
                    if (bucket.IsFull(now))
                    {
                        buckets.TryRemove(key, out _);
                    }
                }
            }
        }
    }

    /// <summary>A token bucket computed when used: tokens grow by one per period up to the burst.</summary>
    private sealed class Bucket(int burst, DateTimeOffset createdAt)
    {
        private double _tokens = burst;
        private DateTimeOffset _updatedAt = createdAt;

        public TimeSpan TimeUntilAvailable(DateTimeOffset now)
        {
            Refill(now);
            return _tokens >= 1 ? TimeSpan.Zero : ReplenishmentPeriod * (1 - _tokens);
        }

        public void Take() => _tokens -= 1;

        public bool IsFull(DateTimeOffset now)
        {
            Refill(now);
            return _tokens >= burst;
        }

        private void Refill(DateTimeOffset now)
        {
            if (now > _updatedAt)
            {
                _tokens = Math.Min(burst, _tokens + ((now - _updatedAt) / ReplenishmentPeriod));
                _updatedAt = now;
            }
        }
    }
}
