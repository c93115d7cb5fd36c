using System.Globalization;
using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;

namespace Scheduler.Marts.Live;

/// <summary>
/// <c>Marts:StrictStartup</c>, <c>Marts:RescanInterval</c> and <c>Marts:WatchFiles</c>: settings that sit beside the
/// marts under <c>Marts</c>, so these names are not mart names there.
/// </summary>
/// <param name="StrictStartup">True: any broken mart stops start-up (deployment pipelines). Default false.</param>
/// <param name="RescanInterval">How often definitions and SQL are re-read even without a file event. Default 5 s.</param>
/// <param name="WatchFiles">Watch <c>Sql:Root</c> for changes (the rescan is the safety net). Default true.</param>
internal sealed record MartReloadSettings(bool StrictStartup, TimeSpan RescanInterval, bool WatchFiles)
{
    /// <summary>The default of <c>Marts:RescanInterval</c>.</summary>
    public static readonly TimeSpan DefaultRescanInterval = TimeSpan.FromSeconds(5);

    /// <summary>The keys under <c>Marts</c> that are settings, not marts.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "StrictStartup", "RescanInterval", "WatchFiles" };

    /// <summary>Reads the settings; problems (key, value, expectation) are added to <paramref name="problems"/>.</summary>
    public static MartReloadSettings Read(IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
        var strict = ReadBool(configuration, "Marts:StrictStartup", false, problems);
        var watch = ReadBool(configuration, "Marts:WatchFiles", true, problems);
        var interval = DefaultRescanInterval;
        var text = configuration["Marts:RescanInterval"];
        if (!string.IsNullOrWhiteSpace(text)
            && (!TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out interval) || interval < TimeSpan.FromMilliseconds(100) || interval > TimeSpan.FromHours(1)))
        {
            problems.Add(new("Marts:RescanInterval", text, "a TimeSpan from 00:00:00.1 to 01:00:00"));
            interval = DefaultRescanInterval;
        }

        return new MartReloadSettings(strict, interval, watch);
    }

    private static bool ReadBool(IConfiguration configuration, string key, bool fallback, ICollection<ConfigurationProblem> problems)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (bool.TryParse(text.Trim(), out var value))
        {
            return value;
        }

        problems.Add(new(key, text, "true or false"));
        return fallback;
    }
}
