using Cronos;
using Microsoft.Extensions.Configuration;
using Scheduler.Alerts;
using Scheduler.Configuration;
using Scheduler.Marts.Definitions;
using Scheduler.Marts.Live;

namespace Scheduler.Marts;

/// <summary>
/// Reads <c>Sql:Root</c>, <c>Marts:&lt;name&gt;:*</c> and the definition files (with the global <c>Redshift:*</c> target
/// keys a mart inherits) into validated <see cref="MartDefinition"/>s, collecting every problem instead of stopping at
/// the first. Never throws for bad configuration: the catalog lists what is broken and keeps the last good definition.
/// </summary>
/// <remarks>
/// Split by responsibility: this file (the whole read, definition files, duplicates), <c>.Definition</c> (one mart),
/// <c>.Target</c>, <c>.Parameters</c>, <c>.Runs</c> (retries, catch-up), <c>.Dependencies</c> and <c>.Values</c>.
/// Bounds (documented in docs/configuration.md): <c>Timeout</c> above zero and at most 24 h (the Data API keeps a statement's
/// metadata for 24 h); <c>Poll:InitialInterval</c> from 1 s to 5 min; <c>Poll:MaxInterval</c> from the initial
/// interval to 30 min. A mart that sets <c>Redshift:WorkgroupName</c> or <c>Redshift:ClusterIdentifier</c> replaces
/// both global target keys, so a mart can run on a cluster while the default is a workgroup.
/// </remarks>
internal static partial class MartConfiguration
{
    /// <summary>The default of <c>Sql:Root</c>, relative to the content root.</summary>
    public const string DefaultSqlRoot = "sql/marts";

    /// <summary>The default of <c>Marts:&lt;name&gt;:Timeout</c>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(1);

    /// <summary>The largest <c>Marts:&lt;name&gt;:Timeout</c>.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);

    /// <summary>The default of <c>Marts:&lt;name&gt;:Poll:InitialInterval</c>.</summary>
    public static readonly TimeSpan DefaultPollInitialInterval = TimeSpan.FromSeconds(2);

    /// <summary>The default of <c>Marts:&lt;name&gt;:Poll:MaxInterval</c>.</summary>
    public static readonly TimeSpan DefaultPollMaxInterval = TimeSpan.FromMinutes(1);

    /// <summary>The smallest <c>Poll:InitialInterval</c>: faster polling only spends the shared request budget.</summary>
    public static readonly TimeSpan MinPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The largest <c>Poll:InitialInterval</c>.</summary>
    public static readonly TimeSpan MaxPollInitialInterval = TimeSpan.FromMinutes(5);

    /// <summary>The largest <c>Poll:MaxInterval</c>.</summary>
    public static readonly TimeSpan MaxPollMaxInterval = TimeSpan.FromMinutes(30);

    /// <summary>The default of <c>Marts:&lt;name&gt;:MaxCatchUp</c>.</summary>
    public const int DefaultMaxCatchUp = 24;

    /// <summary>The largest <c>Marts:&lt;name&gt;:MaxCatchUp</c> (a backfill's bound too).</summary>
    public const int MaxMaxCatchUp = 1000;

    /// <summary>The largest <c>Marts:&lt;name&gt;:MaxActiveRuns</c>.</summary>
    public const int MaxMaxActiveRuns = 50;

    private static readonly HashSet<string> s_martKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "SqlFile", "Cron", "TimeZone", "Timeout", "Poll", "Poll:InitialInterval", "Poll:MaxInterval", "Enabled",
        "Redshift", "Redshift:WorkgroupName", "Redshift:ClusterIdentifier", "Redshift:Database", "Redshift:DbUser",
        "Redshift:SecretArn", "Parameters", "MaxActiveRuns", "CatchUp", "MaxCatchUp", "Retry", "Retry:Attempts", "Retry:Delay",
        "Retry:OnErrors", "DependsOn",
        // Read by Scheduler.Alerts.AlertConfiguration.
        "Alerts", "Alerts:WebhookUrl",
    };

    /// <summary>
    /// Every key a mart may have, relative to <c>Marts:&lt;name&gt;</c> (sections such as <c>Poll</c> included). Unknown
    /// keys are problems; the documentation test checks each one is in docs/configuration.md.
    /// </summary>
    public static IReadOnlySet<string> MartKeys => s_martKeys;

    /// <summary>
    /// Resolves <c>Sql:Root</c> to a full path: relative to <paramref name="contentRoot"/>, or, when no such folder
    /// exists there, to the current directory (<c>dotnet run --project src/Scheduler</c> makes the project folder the
    /// content root while the SQL lives at the repository root).
    /// </summary>
    public static string ResolveSqlRoot(IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var root = configuration["Sql:Root"];
        root = string.IsNullOrWhiteSpace(root) ? DefaultSqlRoot : root.Trim();
        var underContentRoot = Path.GetFullPath(Path.Combine(contentRoot, root));
        if (Path.IsPathRooted(root) || Directory.Exists(underContentRoot))
        {
            return underContentRoot;
        }

        var underCurrentDirectory = Path.GetFullPath(root);
        return Directory.Exists(underCurrentDirectory) ? underCurrentDirectory : underContentRoot;
    }

    /// <summary>The content root a configuration was built for (the host's <c>contentRoot</c> key), else the current directory.</summary>
    public static string GetContentRoot(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var root = configuration[Microsoft.Extensions.Hosting.HostDefaults.ContentRootKey];
        return string.IsNullOrWhiteSpace(root) ? Directory.GetCurrentDirectory() : root;
    }

    /// <summary>
    /// Reads and validates everything: <c>Marts:&lt;name&gt;</c> in configuration and every
    /// <c>&lt;Sql:Root&gt;/**/&lt;name&gt;.mart.json</c>. <see cref="MartConfigurationResult.Problems"/> is empty when valid.
    /// </summary>
    /// <param name="configuration">The application configuration.</param>
    /// <param name="contentRoot">What a relative <c>Sql:Root</c> is relative to.</param>
    /// <param name="checkSql">Also read and split each SQL file, reporting invalid SQL and broken limits.</param>
    public static MartConfigurationResult Read(IConfiguration configuration, string contentRoot, bool checkSql = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var globalProblems = new List<ConfigurationProblem>();

        // ConnectionStrings:Scheduler and Redshift:Region/ServiceUrl belong to their options classes, checked with them.
        var sqlRoot = ResolveSqlRoot(configuration, contentRoot);
        var sqlRootOk = Directory.Exists(sqlRoot);
        if (!sqlRootOk)
        {
            globalProblems.Add(new("Sql:Root", configuration["Sql:Root"] ?? DefaultSqlRoot, "an existing folder (relative paths are relative to the content root)"));
        }

        var roots = new SqlRoots(sqlRoot, sqlRootOk ? PathContainment.ResolveLinks(sqlRoot) ?? sqlRoot : sqlRoot, sqlRootOk);
        var entries = new List<MartEntry>();
        MartReloadSettings.Read(configuration, globalProblems);
        foreach (var section in configuration.GetSection("Marts").GetChildren().Where(c => !MartReloadSettings.Keys.Contains(c.Key)))
        {
            entries.Add(ReadMart(configuration, section, section.Key, $"Marts:{section.Key}", file: null, roots, checkSql));
        }

        if (sqlRootOk)
        {
            foreach (var file in MartDefinitionFiles.Find(sqlRoot, roots.RealRoot))
            {
                entries.Add(ReadFile(configuration, file, roots, checkSql));
            }
        }

        entries = MergeDuplicates(entries);
        entries = CheckDependencies(entries);
        var marts = entries.Where(e => e.Definition is not null).Select(e => e.Definition!).ToList();
        var problems = globalProblems.Concat(entries.SelectMany(e => e.Problems)).ToList();
        return new MartConfigurationResult(marts, problems, sqlRoot) { Entries = entries, GlobalProblems = globalProblems };
    }

    /// <summary>Reads and validates everything, and throws when anything is wrong.</summary>
    /// <exception cref="SchedulerConfigurationException">Lists every problem found.</exception>
    public static IReadOnlyList<MartDefinition> ReadOrThrow(IConfiguration configuration, string contentRoot)
    {
        var result = Read(configuration, contentRoot);
        if (result.Problems.Count > 0)
        {
            throw new SchedulerConfigurationException(result.Problems);
        }

        return result.Marts;
    }

    /// <summary>Parses a Cronos expression: five fields, six (with seconds) or a macro such as <c>@daily</c>.</summary>
    /// <exception cref="FormatException">The expression is invalid (a Cronos <c>CronFormatException</c>).</exception>
    public static CronExpression ParseCron(string cron)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var trimmed = cron.Trim();
        if (trimmed.StartsWith('@'))
        {
            return CronExpression.Parse(trimmed, CronFormat.Standard);
        }

        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return fields switch
        {
            5 => CronExpression.Parse(trimmed, CronFormat.Standard),
            6 => CronExpression.Parse(trimmed, CronFormat.IncludeSeconds),
            _ => throw new CronFormatException($"The expression has {fields} fields; expected 5, or 6 with seconds first."),
        };
    }

    private sealed record SqlRoots(string Root, string RealRoot, bool Exists);

    private static MartEntry ReadFile(IConfiguration configuration, MartDefinitionFile file, SqlRoots roots, bool checkSql)
    {
        var name = file.MartName;
        if (file.SyntaxError is { } syntax)
        {
            return new MartEntry(name, file.RelativePath, null, [syntax with { Mart = name }], null, null);
        }

        var values = new ConfigurationBuilder().AddInMemoryCollection(file.Values).Build();
        var entry = ReadMart(configuration, values, name, file.RelativePath, file, roots, checkSql);
        return entry with
        {
            Problems = [.. entry.Problems.Select(p => p with { File = file.RelativePath, Line = p.Line ?? LineOf(file, p.Key) })],
        };
    }

    private static int? LineOf(MartDefinitionFile file, string key)
    {
        var prefix = file.RelativePath + ":";
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        // The key itself, else the nearest parent written in the file (a missing Redshift:Database is on no line).
        for (var child = key[prefix.Length..]; child.Length > 0; child = child.Contains(':', StringComparison.Ordinal) ? child[..child.LastIndexOf(':')] : string.Empty)
        {
            if (file.Lines.TryGetValue(child, out var line))
            {
                return line;
            }
        }

        return null;
    }

    private static List<MartEntry> MergeDuplicates(List<MartEntry> entries)
    {
        var merged = new List<MartEntry>();
        foreach (var group in entries.GroupBy(e => e.Name, StringComparer.Ordinal))
        {
            var all = group.ToList();
            if (all.Count == 1)
            {
                merged.Add(all[0]);
                continue;
            }

            // A name defined twice is ambiguous: neither definition is taken, and each place is named.
            var sources = all.Select(e => e.Source).ToList();
            var problems = new List<ConfigurationProblem>();
            foreach (var entry in all)
            {
                problems.AddRange(entry.Problems);
                var others = string.Join(", ", sources.Where(s => !string.Equals(s, entry.Source, StringComparison.Ordinal)));
                problems.Add(new ConfigurationProblem(entry.Source, group.Key,
                    $"mart '{group.Key}' defined once, but it is also defined by {others} (remove all but one)")
                {
                    Mart = group.Key,
                    File = entry.Source.StartsWith("Marts:", StringComparison.Ordinal) ? null : entry.Source,
                });
            }

            merged.Add(new MartEntry(group.Key, string.Join(", ", sources), null, problems, all[0].SqlFile, all[0].Cron));
        }

        return merged;
    }
}
