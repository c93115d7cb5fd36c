using System.Globalization;
using Microsoft.Extensions.Configuration;
using Scheduler.Marts;

namespace Scheduler.Alerts;

/// <summary>Reads and validates the alert keys and <c>Scheduler:PublicUrl</c>, collecting every problem.</summary>
public static class AlertConfiguration
{
    /// <summary>Reads the settings; problems are added to <paramref name="problems"/>.</summary>
    public static AlertSettings Read(IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
        var global = ReadUrl(configuration, "Alerts:WebhookUrl", problems);
        var marts = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var mart in configuration.GetSection("Marts").GetChildren())
        {
            if (ReadUrl(configuration, $"Marts:{mart.Key}:Alerts:WebhookUrl", problems) is { } url)
            {
                marts[mart.Key] = url;
            }

            foreach (var key in mart.GetSection("Alerts").GetChildren().Select(c => c.Key)
                         .Where(k => !string.Equals(k, "WebhookUrl", StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add(new($"Marts:{mart.Key}:Alerts:{key}", mart[$"Alerts:{key}"], "a known mart alert key (WebhookUrl)"));
            }
        }

        var maxAttempts = AlertSettings.DefaultMaxAttempts;
        var maxAttemptsText = configuration["Alerts:MaxAttempts"];
        if (!string.IsNullOrWhiteSpace(maxAttemptsText)
            && (!int.TryParse(maxAttemptsText, NumberStyles.None, CultureInfo.InvariantCulture, out maxAttempts) || maxAttempts is < 1 or > 50))
        {
            problems.Add(new("Alerts:MaxAttempts", maxAttemptsText, "a whole number of attempts from 1 to 50"));
        }

        var retryDelay = ReadTimeSpan(configuration, "Alerts:RetryDelay", AlertSettings.DefaultRetryDelay,
            TimeSpan.FromSeconds(1), AlertSettings.MaxRetryDelay, problems);
        var timeout = ReadTimeSpan(configuration, "Alerts:Timeout", AlertSettings.DefaultTimeout,
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), problems);
        var publicUrl = ReadUrl(configuration, "Scheduler:PublicUrl", problems);
        return new AlertSettings(global, marts, maxAttempts, retryDelay, timeout, publicUrl);
    }

    private static Uri? ReadUrl(IConfiguration configuration, string key, ICollection<ConfigurationProblem> problems)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        // A webhook URL often carries a secret token, so it is named but not echoed.
        problems.Add(new(key, key.EndsWith("WebhookUrl", StringComparison.Ordinal) ? "(hidden)" : text, "an absolute http:// or https:// URL"));
        return null;
    }

    private static TimeSpan ReadTimeSpan(IConfiguration configuration, string key, TimeSpan fallback, TimeSpan min, TimeSpan max,
        ICollection<ConfigurationProblem> problems)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add(new(key, text, $"a TimeSpan (hh:mm:ss) from {min:c} to {max:c}"));
        return fallback;
    }
}
