using System.Globalization;
using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;
using Scheduler.Marts;

namespace Scheduler.Alerts;

/// <summary>Binds and validates the alert keys and <c>Scheduler:PublicUrl</c>, collecting every problem.</summary>
internal static class AlertConfiguration
{
    /// <summary>Reads the settings; problems are added to <paramref name="problems"/>.</summary>
    public static AlertSettings Read(IConfiguration configuration, ICollection<ConfigurationProblem> problems) =>
        Validate(Bind(configuration), configuration, problems);

    /// <summary>Binds the <c>Alerts</c> section.</summary>
    public static AlertOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new AlertOptions();
        configuration.GetSection(AlertOptions.SectionName).Bind(options);
        return options;
    }

    /// <summary>
    /// Checks the bound options, the marts' own webhooks and <c>Scheduler:PublicUrl</c> (read from
    /// <paramref name="configuration"/>); every problem is added to <paramref name="problems"/>.
    /// </summary>
    public static AlertSettings Validate(AlertOptions options, IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
        var global = ParseUrl("Alerts:WebhookUrl", options.WebhookUrl, problems);
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
                problems.Add(new($"Marts:{mart.Key}:Alerts:{key}", Configuration.SecretValues.NotShown, "a known mart alert key (WebhookUrl)"));
            }
        }

        var maxAttempts = AlertSettings.DefaultMaxAttempts;
        if (!string.IsNullOrWhiteSpace(options.MaxAttempts)
            && (!int.TryParse(options.MaxAttempts, NumberStyles.None, CultureInfo.InvariantCulture, out maxAttempts) || maxAttempts is < 1 or > 50))
        {
            problems.Add(new("Alerts:MaxAttempts", options.MaxAttempts, "a whole number of attempts from 1 to 50"));
            maxAttempts = AlertSettings.DefaultMaxAttempts;
        }

        var retryDelay = ParseTimeSpan("Alerts:RetryDelay", options.RetryDelay, AlertSettings.DefaultRetryDelay,
            TimeSpan.FromSeconds(1), AlertSettings.MaxRetryDelay, problems);
        var timeout = ParseTimeSpan("Alerts:Timeout", options.Timeout, AlertSettings.DefaultTimeout,
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), problems);
        var publicUrl = ReadUrl(configuration, "Scheduler:PublicUrl", problems);
        return new AlertSettings(global, marts, maxAttempts, retryDelay, timeout, publicUrl);
    }

    private static Uri? ReadUrl(IConfiguration configuration, string key, ICollection<ConfigurationProblem> problems) =>
        ParseUrl(key, configuration[key], problems);

    private static Uri? ParseUrl(string key, string? text, ICollection<ConfigurationProblem> problems)
    {
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

    private static TimeSpan ParseTimeSpan(string key, string? text, TimeSpan fallback, TimeSpan min, TimeSpan max,
        ICollection<ConfigurationProblem> problems)
    {
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
