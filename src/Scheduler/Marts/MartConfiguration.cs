using System.Globalization;
using System.Text.RegularExpressions;
using Cronos;
using Microsoft.Extensions.Configuration;
using Scheduler.Marts.Definitions;
using Scheduler.Marts.Live;
using Scheduler.Marts.Parameters;
using Scheduler.Sql;

namespace Scheduler.Marts;

/// <summary>
/// Reads <c>ConnectionStrings:Scheduler</c>, <c>Redshift:*</c>, <c>Sql:Root</c> and <c>Marts:&lt;name&gt;:*</c> into
/// validated <see cref="MartDefinition"/>s, collecting every problem instead of stopping at the first.
/// </summary>
/// <remarks>
/// Bounds (documented in docs/configuration.md): <c>Timeout</c> above zero and at most 24 h (the Data API keeps a statement's
/// metadata for 24 h); <c>Poll:InitialInterval</c> from 1 s to 5 min; <c>Poll:MaxInterval</c> from the initial
/// interval to 30 min. A mart that sets <c>Redshift:WorkgroupName</c> or <c>Redshift:ClusterIdentifier</c> replaces
/// both global target keys, so a mart can run on a cluster while the default is a workgroup.
/// </remarks>
public static partial class MartConfiguration
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

    private static readonly string[] s_targetKeys = ["WorkgroupName", "ClusterIdentifier", "Database", "DbUser", "SecretArn"];

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

        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Scheduler")))
        {
            globalProblems.Add(new("ConnectionStrings:Scheduler", null, "a PostgreSQL connection string for Hangfire and the run ledger"));
        }

        var serviceUrl = configuration["Redshift:ServiceUrl"];
        if (!string.IsNullOrWhiteSpace(serviceUrl)
            && !(Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            globalProblems.Add(new("Redshift:ServiceUrl", serviceUrl, "an absolute http:// or https:// URL"));
        }

        if (string.IsNullOrWhiteSpace(configuration["Redshift:Region"]) && string.IsNullOrWhiteSpace(serviceUrl))
        {
            globalProblems.Add(new("Redshift:Region", null, "an AWS region such as eu-west-1 (required unless Redshift:ServiceUrl is set)"));
        }

        var sqlRoot = ResolveSqlRoot(configuration, contentRoot);
        var sqlRootOk = Directory.Exists(sqlRoot);
        if (!sqlRootOk)
        {
            globalProblems.Add(new("Sql:Root", configuration["Sql:Root"] ?? DefaultSqlRoot, $"an existing folder (resolved to '{sqlRoot}')"));
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

    private static MartEntry ReadMart(
        IConfiguration configuration, IConfiguration section, string name, string prefix, MartDefinitionFile? file, SqlRoots roots, bool checkSql)
    {
        var problems = new List<ConfigurationProblem>();
        var sqlRoot = roots.Root;
        var sqlRootOk = roots.Exists;
        var before = 0;

        if (!SafeName().IsMatch(name))
        {
            problems.Add(new(prefix, name,
                "a mart name of 1 to 64 letters, digits, '_' or '-', starting with a letter or digit (it is used in job ids and URLs)"));
        }

        foreach (var child in Flatten(section, string.Empty))
        {
            if (!s_martKeys.Contains(child) && !IsListOrParameterKey(child))
            {
                problems.Add(new($"{prefix}:{child}", section[child], $"a known mart key ({string.Join(", ", s_martKeys.Where(k => k is not "Poll" and not "Redshift" and not "Alerts" and not "Retry"))})"));
            }
        }

        var sqlFile = NullIfBlank(section["SqlFile"]);
        var sqlBase = sqlRoot;
        if (file is not null)
        {
            // A definition file names its SQL relative to its own folder, and defaults to <name>.sql beside it.
            sqlBase = Path.GetDirectoryName(file.Path)!;
            sqlFile ??= name + ".sql";
        }

        var sqlPath = string.Empty;
        var shownSqlFile = sqlFile;
        IReadOnlyList<string>? statements = null;
        if (sqlFile is null)
        {
            problems.Add(new($"{prefix}:SqlFile", section["SqlFile"], "the mart's SQL file, relative to Sql:Root"));
        }
        else
        {
            sqlPath = Path.GetFullPath(Path.Combine(sqlBase, sqlFile));
            if (file is not null && PathContainment.IsInside(sqlPath, sqlRoot))
            {
                shownSqlFile = Path.GetRelativePath(sqlRoot, sqlPath).Replace(Path.DirectorySeparatorChar, '/');
            }

            var realPath = sqlRootOk ? PathContainment.ResolveLinks(sqlPath) : sqlPath;
            if (!PathContainment.IsInside(sqlPath, sqlRoot))
            {
                problems.Add(new($"{prefix}:SqlFile", sqlFile, $"a file inside Sql:Root '{sqlRoot}' (it resolves to '{sqlPath}')"));
            }
            else if (sqlRootOk && !File.Exists(sqlPath))
            {
                problems.Add(new($"{prefix}:SqlFile", sqlFile, $"an existing file (not found at '{sqlPath}')"));
            }
            else if (sqlRootOk && realPath is null)
            {
                problems.Add(new($"{prefix}:SqlFile", sqlFile, $"a file reached without a loop of symbolic links ('{sqlPath}')"));
            }
            else if (sqlRootOk && !PathContainment.IsInside(realPath!, roots.RealRoot))
            {
                // Following links must not leave Sql:Root: a link inside it may not point at, say, /etc.
                problems.Add(new($"{prefix}:SqlFile", sqlFile,
                    $"a file inside Sql:Root '{roots.RealRoot}' once symbolic links are followed ('{sqlPath}' leads to '{realPath}')"));
            }
            else if (sqlRootOk)
            {
                sqlPath = realPath!;
                if (checkSql)
                {
                    try
                    {
                        statements = MartSqlLoader.Split(name, sqlPath, File.ReadAllText(sqlPath));
                    }
                    catch (MartSqlException ex)
                    {
                        problems.Add(new($"{prefix}:SqlFile", sqlFile, $"valid SQL within the Data API's limits: {ex.Message}"));
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        problems.Add(new($"{prefix}:SqlFile", sqlFile, $"a readable file: {ex.Message}"));
                    }
                }
            }
        }

        var cron = section["Cron"];
        if (string.IsNullOrWhiteSpace(cron))
        {
            cron = null;
        }
        else
        {
            try
            {
                ParseCron(cron);
            }
            catch (CronFormatException ex)
            {
                problems.Add(new($"{prefix}:Cron", cron, $"a Cronos expression with 5 fields (minute hour day month weekday) or 6 (seconds first): {ex.Message}"));
            }
        }

        var timeZone = TimeZoneInfo.Utc;
        var timeZoneText = section["TimeZone"];
        if (!string.IsNullOrWhiteSpace(timeZoneText))
        {
            try
            {
                timeZone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneText.Trim());
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                problems.Add(new($"{prefix}:TimeZone", timeZoneText, "an IANA (Europe/Paris) or Windows (Romance Standard Time) time zone id known to this machine"));
            }
        }

        var timeout = ReadTimeSpan(section, "Timeout", DefaultTimeout, TimeSpan.FromTicks(1), MaxTimeout, "greater than zero and at most 1.00:00:00 (24 h)", prefix, problems);
        var initial = ReadTimeSpan(section, "Poll:InitialInterval", DefaultPollInitialInterval, MinPollInterval, MaxPollInitialInterval, "from 00:00:01 to 00:05:00", prefix, problems);
        var max = ReadTimeSpan(section, "Poll:MaxInterval", DefaultPollMaxInterval, MinPollInterval, MaxPollMaxInterval, "from 00:00:01 to 00:30:00", prefix, problems);
        if (initial is { } i && max is { } m && m < i)
        {
            problems.Add(new($"{prefix}:Poll:MaxInterval", section["Poll:MaxInterval"] ?? Format(m),
                $"at least Poll:InitialInterval ({Format(i)})"));
        }

        var enabled = true;
        var enabledText = section["Enabled"];
        if (!string.IsNullOrWhiteSpace(enabledText) && !bool.TryParse(enabledText.Trim(), out enabled))
        {
            problems.Add(new($"{prefix}:Enabled", enabledText, "true or false"));
        }

        var target = ReadTarget(configuration, section, name, prefix, problems);
        var webhook = ReadWebhook(section, prefix, file is null ? [] : problems);
        var parameters = ReadParameters(section, prefix, problems);
        var statementParameters = statements is null ? [] : statements.Select(SqlParameterScanner.Find).ToList();
        CheckParameterUse(statementParameters, parameters, prefix, problems);
        var maxActiveRuns = ReadInt(section, "MaxActiveRuns", 1, 1, MaxMaxActiveRuns, prefix, problems);
        var catchUp = MartCatchUp.Latest;
        var catchUpText = section["CatchUp"];
        if (!string.IsNullOrWhiteSpace(catchUpText)
            && (!Enum.TryParse(catchUpText.Trim(), ignoreCase: true, out catchUp) || !Enum.IsDefined(catchUp) || int.TryParse(catchUpText, out _)))
        {
            problems.Add(new($"{prefix}:CatchUp", catchUpText, "None, Latest or All"));
        }

        var maxCatchUp = ReadInt(section, "MaxCatchUp", DefaultMaxCatchUp, 1, MaxMaxCatchUp, prefix, problems);
        var retry = ReadRetry(section, prefix, problems);
        var dependsOn = ReadDependsOn(section, prefix, problems);

        problems = [.. problems.Select(p => p with { Mart = name })];
        if (problems.Count > before)
        {
            return new MartEntry(name, prefix, null, problems, shownSqlFile, cron);
        }

        var definition = new MartDefinition(name, shownSqlFile!, sqlPath, cron, timeZone, timeout!.Value, initial!.Value, max!.Value, enabled, target!)
        {
            DefinitionFile = file?.RelativePath,
            AlertWebhookUrl = webhook,
            Parameters = parameters,
            StatementParameters = statementParameters,
            MaxActiveRuns = maxActiveRuns!.Value,
            CatchUp = catchUp,
            MaxCatchUp = maxCatchUp!.Value,
            Retry = retry!,
            DependsOn = dependsOn,
        };
        return new MartEntry(name, prefix, definition, [], shownSqlFile, cron);
    }

    private static bool IsListOrParameterKey(string key) =>
        (key.StartsWith("Parameters:", StringComparison.OrdinalIgnoreCase) && key.IndexOf(':', "Parameters:".Length) < 0)
        || (key.StartsWith("Retry:OnErrors:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(key.AsSpan("Retry:OnErrors:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        || (key.StartsWith("DependsOn:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(key.AsSpan("DependsOn:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out _));

    /// <summary>
    /// <c>DependsOn</c>: a list (<c>DependsOn:0</c>, <c>DependsOn:1</c>; in a definition file a JSON array), or one name
    /// as a plain value (an environment variable). Names are checked against each other by <see cref="CheckDependencies"/>.
    /// </summary>
    private static List<string> ReadDependsOn(IConfiguration section, string prefix, List<ConfigurationProblem> problems)
    {
        var names = new List<string>();
        var children = section.GetSection("DependsOn").GetChildren().ToList();
        var values = children.Count > 0
            ? children.Select(c => (Key: $"{prefix}:DependsOn:{c.Key}", c.Value, Nested: c.GetChildren().Any()))
            : section["DependsOn"] is { Length: > 0 } single ? [($"{prefix}:DependsOn", (string?)single, false)] : [];
        foreach (var (key, value, nested) in values)
        {
            if (nested || string.IsNullOrWhiteSpace(value) || !SafeName().IsMatch(value.Trim()))
            {
                problems.Add(new(key, value, "the name of a mart this one reads from (in JSON: \"DependsOn\": [\"orders_clean\"])"));
            }
            else if (!names.Contains(value.Trim(), StringComparer.Ordinal))
            {
                names.Add(value.Trim());
            }
        }

        return names;
    }

    /// <summary>
    /// Checks every valid mart's <c>DependsOn</c> against the others: an unknown name, the mart itself or a cycle makes
    /// the mart invalid (so a live reload keeps its last valid version in force), with a problem naming the cycle.
    /// </summary>
    private static List<MartEntry> CheckDependencies(List<MartEntry> entries)
    {
        var known = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var problems = Dependencies.MartGraph.FindProblems(
            [.. entries.Where(e => e.Definition is not null).Select(e => (e.Name, e.Definition!.DependsOn))], known);
        if (problems.Count == 0)
        {
            return entries;
        }

        return [.. entries.Select(e => problems.TryGetValue(e.Name, out var found) && e.Definition is not null
            ? e with { Definition = null, Problems = [.. e.Problems, .. found.Select(p => ToConfigurationProblem(e.Name, e.Source, p))] }
            : e)];
    }

    /// <summary>A <see cref="Dependencies.DependencyProblem"/> as a problem of the mart's <c>DependsOn</c> key.</summary>
    internal static ConfigurationProblem ToConfigurationProblem(string mart, string source, Dependencies.DependencyProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var key = problem.Index is { } index ? $"{source}:DependsOn:{index.ToString(CultureInfo.InvariantCulture)}" : $"{source}:DependsOn";
        return new ConfigurationProblem(key, problem.Value, problem.Expected)
        {
            Mart = mart,
            File = source.StartsWith("Marts:", StringComparison.Ordinal) ? null : source,
        };
    }

    private static Dictionary<string, string> ReadParameters(IConfiguration section, string prefix, List<ConfigurationProblem> problems)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in section.GetSection("Parameters").GetChildren())
        {
            var key = $"{prefix}:Parameters:{child.Key}";
            if (child.GetChildren().Any())
            {
                problems.Add(new(key, null, "a string value (a parameter is one name and one value)"));
            }
            else if (!MartParameters.IsValidName(child.Key))
            {
                problems.Add(new(key, child.Value, "a parameter name of letters, digits and '_', starting with a letter or '_' (as used in the SQL: :name)"));
            }
            else if (MartParameters.BuiltIn.Contains(child.Key))
            {
                problems.Add(new(key, child.Value, $"a name other than the built-in ones ({string.Join(", ", MartParameters.BuiltIn)}), which follow the run's logical date"));
            }
            else if (MartParameters.CheckValue(child.Value) is { } expected)
            {
                problems.Add(new(key, child.Value, expected));
            }
            else
            {
                parameters[child.Key] = child.Value!;
            }
        }

        return parameters;
    }

    /// <summary>Every parameter the SQL uses has a value, and every default is used: either mistake is a typo.</summary>
    private static void CheckParameterUse(
        List<IReadOnlyList<string>> statementParameters, Dictionary<string, string> parameters, string prefix, List<ConfigurationProblem> problems)
    {
        if (statementParameters.Count == 0)
        {
            return; // the SQL was not read (or is invalid, which is reported already)
        }

        for (var index = 0; index < statementParameters.Count; index++)
        {
            foreach (var name in statementParameters[index])
            {
                if (!MartParameters.BuiltIn.Contains(name) && !parameters.ContainsKey(name))
                {
                    problems.Add(new($"{prefix}:Parameters:{name}", null,
                        $"a value for :{name}, which statement {index + 1} uses (built-in parameters: {string.Join(", ", MartParameters.BuiltIn)})"));
                }
            }
        }

        foreach (var (name, value) in parameters)
        {
            if (!statementParameters.Any(used => used.Contains(name, StringComparer.Ordinal)))
            {
                problems.Add(new($"{prefix}:Parameters:{name}", value, $"a parameter the SQL uses, but no statement uses :{name}"));
            }
        }
    }

    private static MartRetryPolicy? ReadRetry(IConfiguration section, string prefix, List<ConfigurationProblem> problems)
    {
        var attempts = ReadInt(section, "Retry:Attempts", 0, 0, MartRetryPolicy.MaxAttempts, prefix, problems);
        var delay = ReadTimeSpan(section, "Retry:Delay", MartRetryPolicy.DefaultDelay, TimeSpan.FromSeconds(1), MartRetryPolicy.MaxDelay,
            "from 00:00:01 to 01:00:00", prefix, problems);
        var patterns = new List<Regex>();
        foreach (var child in section.GetSection("Retry:OnErrors").GetChildren())
        {
            var key = $"{prefix}:Retry:OnErrors:{child.Key}";
            if (string.IsNullOrWhiteSpace(child.Value))
            {
                problems.Add(new(key, child.Value, "a pattern (a case-insensitive regular expression) matched against Redshift's error"));
                continue;
            }

            try
            {
                patterns.Add(new Regex(child.Value, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)));
            }
            catch (ArgumentException ex)
            {
                problems.Add(new(key, child.Value, $"a valid regular expression: {ex.Message}"));
            }
        }

        if (section["Retry:OnErrors"] is { Length: > 0 } single && patterns.Count == 0)
        {
            problems.Add(new($"{prefix}:Retry:OnErrors", single, "a list of patterns (in JSON: [\"serializable isolation\", \"lock\"])"));
        }

        return attempts is null || delay is null ? null : new MartRetryPolicy(attempts.Value, delay.Value, patterns);
    }

    private static int? ReadInt(IConfiguration section, string key, int defaultValue, int min, int max, string prefix, List<ConfigurationProblem> problems)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            problems.Add(new($"{prefix}:{key}", text, $"a whole number from {min} to {max} (default {defaultValue})"));
            return null;
        }

        return value;
    }

    private static Uri? ReadWebhook(IConfiguration section, string prefix, List<ConfigurationProblem> problems)
    {
        var text = NullIfBlank(section["Alerts:WebhookUrl"]);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return url;
        }

        // A webhook URL often carries a secret token, so it is named but not echoed. (In configuration, the alert
        // settings' own validation reports it.)
        problems.Add(new($"{prefix}:Alerts:WebhookUrl", "(hidden)", "an absolute http:// or https:// URL"));
        return null;
    }

    private static RedshiftTarget? ReadTarget(IConfiguration configuration, IConfiguration section, string name, string prefix, List<ConfigurationProblem> problems)
    {
        var values = new Dictionary<string, (string? Value, string Key)>(StringComparer.Ordinal);
        foreach (var key in s_targetKeys)
        {
            var own = section[$"Redshift:{key}"];
            values[key] = string.IsNullOrWhiteSpace(own)
                ? (NullIfBlank(configuration[$"Redshift:{key}"]), $"Redshift:{key}")
                : (own.Trim(), $"{prefix}:Redshift:{key}");
        }

        // A mart naming its own workgroup or cluster replaces both global keys, so it can switch kinds.
        var martChoosesKind = !string.IsNullOrWhiteSpace(section["Redshift:WorkgroupName"]) || !string.IsNullOrWhiteSpace(section["Redshift:ClusterIdentifier"]);
        if (martChoosesKind)
        {
            foreach (var key in new[] { "WorkgroupName", "ClusterIdentifier" })
            {
                values[key] = (NullIfBlank(section[$"Redshift:{key}"]), $"{prefix}:Redshift:{key}");
            }
        }

        var workgroup = values["WorkgroupName"];
        var cluster = values["ClusterIdentifier"];
        var ok = true;
        if (workgroup.Value is not null && cluster.Value is not null)
        {
            problems.Add(new(cluster.Key, cluster.Value,
                $"exactly one of WorkgroupName and ClusterIdentifier for mart '{name}', but {workgroup.Key} = '{workgroup.Value}' is set too"));
            ok = false;
        }
        else if (workgroup.Value is null && cluster.Value is null)
        {
            problems.Add(new($"{prefix}:Redshift:WorkgroupName", null,
                $"a Redshift Serverless workgroup or a cluster (Redshift:WorkgroupName or Redshift:ClusterIdentifier, globally or for mart '{name}')"));
            ok = false;
        }

        if (values["Database"].Value is null)
        {
            problems.Add(new($"{prefix}:Redshift:Database", null, $"the database to connect to (Redshift:Database, globally or for mart '{name}')"));
            ok = false;
        }

        return ok
            ? new RedshiftTarget(workgroup.Value, cluster.Value, values["Database"].Value, values["DbUser"].Value, values["SecretArn"].Value)
            : null;
    }

    private static TimeSpan? ReadTimeSpan(
        IConfiguration section, string key, TimeSpan defaultValue, TimeSpan min, TimeSpan max, string expected,
        string prefix, List<ConfigurationProblem> problems)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        if (!TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value))
        {
            problems.Add(new($"{prefix}:{key}", text, $"a TimeSpan such as 00:30:00, {expected}"));
            return null;
        }

        if (value < min || value > max)
        {
            problems.Add(new($"{prefix}:{key}", text, expected));
            return null;
        }

        return value;
    }

    private static IEnumerable<string> Flatten(IConfiguration section, string path)
    {
        foreach (var child in section.GetChildren())
        {
            var childPath = path.Length == 0 ? child.Key : $"{path}:{child.Key}";
            yield return childPath;
            foreach (var grandChild in Flatten(child, childPath))
            {
                yield return grandChild;
            }
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeName();
}
