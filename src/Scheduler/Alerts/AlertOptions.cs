namespace Scheduler.Alerts;

/// <summary>
/// The <c>Alerts</c> section as configured. Values are kept as text and parsed by <see cref="AlertOptionsValidator"/>:
/// the binder would stop at the first malformed TimeSpan, and every problem should be listed at once.
/// </summary>
internal sealed class AlertOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Alerts";

    /// <summary><c>Alerts:WebhookUrl</c>: absolute http(s) URL receiving failure alerts.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary><c>Alerts:MaxAttempts</c>: 1–50 (default 8).</summary>
    public string? MaxAttempts { get; set; }

    /// <summary><c>Alerts:RetryDelay</c>: 1 s to 1 h (default 30 s).</summary>
    public string? RetryDelay { get; set; }

    /// <summary><c>Alerts:Timeout</c>: 1 s to 5 min (default 10 s).</summary>
    public string? Timeout { get; set; }
}
