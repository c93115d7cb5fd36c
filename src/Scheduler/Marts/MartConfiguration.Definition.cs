using System.Globalization;
using Cronos;
using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;
using Scheduler.Marts.Definitions;
using Scheduler.Marts.Parameters;
using Scheduler.Sql;

namespace Scheduler.Marts;

/// <content>One mart's definition: its keys, SQL file, schedule, time zone, timeout and polling, put together.</content>
internal static partial class MartConfiguration
{
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
                // An unknown key may be a mistyped secret (a webhook URL, a password): its value is never echoed.
                problems.Add(new($"{prefix}:{child}", Configuration.SecretValues.NotShown, $"a known mart key ({string.Join(", ", s_martKeys.Where(k => k is not "Poll" and not "Redshift" and not "Alerts" and not "Retry"))})"));
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
                problems.Add(new($"{prefix}:SqlFile", sqlFile, "a file inside Sql:Root (this path leads out of it)"));
            }
            else if (sqlRootOk && !File.Exists(sqlPath))
            {
                problems.Add(new($"{prefix}:SqlFile", sqlFile, "an existing file under Sql:Root (not found)"));
            }
            else if (sqlRootOk && realPath is null)
            {
                problems.Add(new($"{prefix}:SqlFile", sqlFile, "a file reached without a loop of symbolic links"));
            }
            else if (sqlRootOk && !PathContainment.IsInside(realPath!, roots.RealRoot))
            {
                // Following links must not leave Sql:Root: a link inside it may not point at, say, /etc.
                problems.Add(new($"{prefix}:SqlFile", sqlFile,
                    "a file inside Sql:Root once symbolic links are followed (a link on its path points out of Sql:Root)"));
            }
            else if (sqlRootOk)
            {
                sqlPath = realPath!;
                if (checkSql)
                {
                    try
                    {
                        statements = MartSqlLoader.Split(name, shownSqlFile!, File.ReadAllText(sqlPath));
                    }
                    catch (MartSqlException ex)
                    {
                        problems.Add(new($"{prefix}:SqlFile", sqlFile, $"valid SQL within the Data API's limits: {ex.Message}"));
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        problems.Add(new($"{prefix}:SqlFile", sqlFile, $"a readable file ({ex.GetType().Name})"));
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
        var catchUp = ReadCatchUp(section, prefix, problems);
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
            SqlRoot = roots.RealRoot,
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
}
