using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Scheduler.Security;

/// <summary>
/// Limits password checks (what failed logins cost: a full PBKDF2 each) per client address and per user name, with
/// token buckets from <c>System.Threading.RateLimiting</c>. A request over either limit is answered 429 with
/// <c>Retry-After</c> before any hashing. A user whose password was checked recently is served from
/// <see cref="CredentialVerifier"/>'s cache and never reaches the throttle, so a storm against their name does not
/// lock them out of a session they already have.
/// </summary>
/// <remarks>
/// The buckets refill on a timer of the injected <see cref="TimeProvider"/> (not the limiter's own timer), so tests
/// drive replenishment with a fake clock. Full buckets are dropped at each refill, so memory follows the attackers
/// seen in the last minutes, and at most <see cref="MaxPartitions"/> addresses or names are tracked separately.
/// </remarks>
public sealed class LoginThrottle : IDisposable
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

    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _byAddress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _byUser = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long _nextRefillTicks;

    /// <summary>Creates the throttle; its buckets refill on <paramref name="time"/>'s timer.</summary>
    public LoginThrottle(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Interlocked.Exchange(ref _nextRefillTicks, (time.GetUtcNow() + ReplenishmentPeriod).UtcTicks);
        _timer = time.CreateTimer(_ => Refill(), null, ReplenishmentPeriod, ReplenishmentPeriod);
    }

    /// <summary>
    /// Takes one password check from the address's and the user name's allowance; false (with how long to wait) when
    /// either is used up.
    /// </summary>
    public bool TryAcquire(string remoteAddress, string userName, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(remoteAddress);
        ArgumentNullException.ThrowIfNull(userName);
        var name = userName.Length > MaxUserNameLength ? userName[..MaxUserNameLength] : userName;
        using var byAddress = Bucket(_byAddress, remoteAddress, AddressBurst).AttemptAcquire(1);
        if (byAddress.IsAcquired)
        {
            using var byUser = Bucket(_byUser, name, UserBurst).AttemptAcquire(1);
            if (byUser.IsAcquired)
            {
                retryAfter = TimeSpan.Zero;
                return true;
            }
        }

        var untilRefill = new DateTimeOffset(Interlocked.Read(ref _nextRefillTicks), TimeSpan.Zero) - _time.GetUtcNow();
        retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(untilRefill.TotalSeconds)));
        return false;
    }

    /// <summary>Stops the refill timer.</summary>
    public void Dispose() => _timer.Dispose();

    private static TokenBucketRateLimiter Bucket(ConcurrentDictionary<string, TokenBucketRateLimiter> buckets, string key, int burst)
    {
        if (buckets.TryGetValue(key, out var existing))
        {
            return existing;
        }

        if (buckets.Count >= MaxPartitions)
        {
            key = Overflow;
        }

        return buckets.GetOrAdd(key, static (_, limit) => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = ReplenishmentPeriod,
            AutoReplenishment = false,
            QueueLimit = 0,
        }), burst);
    }

    private void Refill()
    {
        Interlocked.Exchange(ref _nextRefillTicks, (_time.GetUtcNow() + ReplenishmentPeriod).UtcTicks);
        foreach (var buckets in new[] { _byAddress, _byUser })
        {
            foreach (var (key, bucket) in buckets)
            {
                bucket.TryReplenish();
                // A full bucket holds nothing worth keeping: a later request starts a fresh, full one. Not disposed: a
                // request may still hold it, and without auto-replenishment it owns no timer.
                if (bucket.GetStatistics()?.CurrentAvailablePermits >= (ReferenceEquals(buckets, _byAddress) ? AddressBurst : UserBurst))
                {
                    buckets.TryRemove(key, out _);
                }
            }
        }
    }
}
