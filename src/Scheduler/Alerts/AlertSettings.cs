using Scheduler.Hosting;
using Scheduler.Marts;
using Scheduler.Background;

namespace Scheduler.Alerts;

/// <summary>
/// Validated alert configuration: <c>Alerts:WebhookUrl</c>, <c>Marts:&lt;name&gt;:Alerts:WebhookUrl</c> (replaces the
/// global URL for that mart), the retry schedule, and <c>Scheduler:PublicUrl</c> for links to run pages.
/// </summary>
internal sealed class AlertSettings
{
    /// <summary>The default of <c>Alerts:MaxAttempts</c>.</summary>
    public const int DefaultMaxAttempts = 8;

    /// <summary>The default of <c>Alerts:RetryDelay</c>: the first retry's delay; each later one doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>The longest delay between two attempts.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    /// <summary>The default of <c>Alerts:Timeout</c>: how long one POST may take.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyDictionary<string, Uri> _martWebhooks;

    /// <summary>Creates validated settings.</summary>
    public AlertSettings(
        Uri? globalWebhook,
        IReadOnlyDictionary<string, Uri> martWebhooks,
        int maxAttempts,
        TimeSpan retryDelay,
        TimeSpan timeout,
        Uri? publicUrl)
    {
        ArgumentNullException.ThrowIfNull(martWebhooks);
        GlobalWebhook = globalWebhook;
        _martWebhooks = martWebhooks;
        MaxAttempts = maxAttempts;
        RetryDelay = retryDelay;
        Timeout = timeout;
        PublicUrl = publicUrl;
    }

    /// <summary><c>Alerts:WebhookUrl</c>, or null.</summary>
    public Uri? GlobalWebhook { get; }

    /// <summary>Attempts per alert, the first included.</summary>
    public int MaxAttempts { get; }

    /// <summary>The delay before the first retry.</summary>
    public TimeSpan RetryDelay { get; }

    /// <summary>How long one POST may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary><c>Scheduler:PublicUrl</c>: the base URL users reach the service at, or null (alerts then carry no link).</summary>
    public Uri? PublicUrl { get; }

    /// <summary>
    /// The webhook of a mart as the live catalog has it now (its own <c>Alerts:WebhookUrl</c>, from configuration or its
    /// definition file, else the global one); for a mart no longer in the catalog, as configured at start-up.
    /// </summary>
    public Uri? WebhookFor(string mart, Scheduler.Marts.IMartCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(mart);
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Find(mart) is { } definition ? definition.AlertWebhookUrl ?? GlobalWebhook : WebhookFor(mart);
    }

    /// <summary>The webhook of a mart: its own, else the global one, else null (no alert).</summary>
    public Uri? WebhookFor(string mart)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return _martWebhooks.GetValueOrDefault(mart) ?? GlobalWebhook;
    }

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 or more): doubling from <see cref="RetryDelay"/>, capped.</summary>
    public TimeSpan DelayBefore(int nextAttempt)
    {
        return new Backoff(RetryDelay, 2, MaxRetryDelay).Delay(nextAttempt - 2);
    }

    /// <summary>The run page's absolute URL, or null without <see cref="PublicUrl"/>.</summary>
    public Uri? RunLink(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (PublicUrl is null)
        {
            return null;
        }

        var basePath = PublicUrl.AbsoluteUri.TrimEnd('/');
        return new Uri($"{basePath}/hangfire/marts/runs/{Uri.EscapeDataString(runId)}");
    }
}
