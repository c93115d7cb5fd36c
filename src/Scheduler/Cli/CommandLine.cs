using System.Text;
using System.Text.Json;
using Scheduler.Configuration;
using Scheduler.Hosting;
using Scheduler.Marts;
using Scheduler.Marts.Dependencies;
using Scheduler.Marts.Parameters;
using Scheduler.Security;
using Scheduler.Sql;

namespace Scheduler.Cli;

/// <summary>
/// The command line: <c>serve</c> (the default), <c>validate</c> and <c>split FILE</c>. Add a command by adding a
/// <see cref="CliCommand"/> to <see cref="Commands"/>.
/// </summary>
internal static class CommandLine
{
    /// <summary>Exit code for bad usage or invalid configuration.</summary>
    public const int ExitInvalid = 1;

    /// <summary>Exit code of <c>split</c> for invalid SQL.</summary>
    public const int ExitInvalidSql = 2;

    /// <summary>Every command, by name.</summary>
    public static IReadOnlyList<CliCommand> Commands { get; } =
    [
        new("serve", "serve [--Key=value ...]     run the service: Hangfire server, dashboard, API (the default)", ServeAsync),
        new("validate", "validate [--Key=value ...]  check configuration, SQL files and cron; print the marts in dependency order with their statements and next fire times", ValidateAsync),
        new("split", "split FILE                  print FILE's statements as a JSON array of strings", SplitAsync),
        new("trigger", "trigger MART                start a run now (same rules as Run now) and print its run id", TriggerCommand.RunAsync),
        new("hash-password", "hash-password               read a password from stdin, print a hash for Security:Users:<user>:PasswordHash", HashPasswordCommand.RunAsync),
    ];

    /// <summary>Runs the command named by the first argument (none, or one starting with '-', means <c>serve</c>).</summary>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, Console.In, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>Runs a command with the given streams (for tests).</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        CliCommand? command;
        string[] rest;
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            command = Commands[0];
            rest = args;
        }
        else
        {
            command = Commands.FirstOrDefault(c => string.Equals(c.Name, args[0], StringComparison.OrdinalIgnoreCase));
            rest = args[1..];
        }

        if (command is null)
        {
            await error.WriteLineAsync($"Unknown command '{args[0]}'. Commands:").ConfigureAwait(false);
            foreach (var c in Commands)
            {
                await error.WriteLineAsync("  " + c.Usage).ConfigureAwait(false);
            }

            return ExitInvalid;
        }

        return await command.RunAsync(new CliContext(rest, input, output, error, cancellationToken)).ConfigureAwait(false);
    }

    private static async Task<int> ServeAsync(CliContext context)
    {
        WebApplication app;
        try
        {
            app = SchedulerApplication.Build(context.Args);
        }
        catch (SchedulerConfigurationException ex)
        {
            await context.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ExitInvalid;
        }

        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> ValidateAsync(CliContext context)
    {
        // The service's own container, built but not started: the same registrations and validators as `serve`.
        await using var app = SchedulerApplication.BuildUnstarted(context.Args);
        var problems = ConfigurationChecks.FindProblems(app.Services, ConfigurationCheckScope.Everything);
        if (problems.Count > 0)
        {
            await context.Error.WriteLineAsync(new SchedulerConfigurationException(problems).Message).ConfigureAwait(false);
            return ExitInvalid;
        }

        var result = app.Services.GetRequiredService<MartConfigurationResult>();
        var loader = new MartSqlLoader();
        var now = TimeProvider.System.GetUtcNow();
        await context.Out.WriteLineAsync($"Configuration is valid: {result.Marts.Count} mart(s), SQL root '{result.SqlRoot}'.").ConfigureAwait(false);
        // Dependency order: every mart after the marts it depends on, as their runs follow each other for a date.
        foreach (var mart in Marts.Dependencies.MartGraph.Order(result.Marts))
        {
            IReadOnlyList<string> statements;
            try
            {
                statements = await loader.LoadAsync(mart, context.CancellationToken).ConfigureAwait(false);
            }
            catch (MartSqlException ex)
            {
                // The file changed since the configuration was read.
                await context.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return ExitInvalid;
            }

            var line = new StringBuilder();
            line.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"{mart.Name}: {mart.SqlFile}{(mart.DefinitionFile is null ? "" : $" (defined in {mart.DefinitionFile})")}, {statements.Count} statement(s), {(mart.Enabled ? "enabled" : "disabled")}, ");
            if (mart.Cron is null)
            {
                line.Append("manual only");
            }
            else
            {
                var cron = MartConfiguration.ParseCron(mart.Cron);
                var fires = cron.GetOccurrences(now.UtcDateTime, now.UtcDateTime.AddYears(10), mart.TimeZone, fromInclusive: false, toInclusive: false)
                    .Take(3)
                    .Select(t => TimeZoneInfo.ConvertTime(new DateTimeOffset(t, TimeSpan.Zero), mart.TimeZone).ToString("yyyy-MM-dd HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
                line.Append(System.Globalization.CultureInfo.InvariantCulture, $"cron '{mart.Cron}' in {mart.TimeZone.Id}, next: {string.Join(", ", fires)}");
            }

            if (mart.DependsOn.Count > 0)
            {
                line.Append(System.Globalization.CultureInfo.InvariantCulture, $", depends on {string.Join(", ", mart.DependsOn)}");
            }

            await context.Out.WriteLineAsync(line.ToString()).ConfigureAwait(false);
            for (var index = 0; index < statements.Count; index++)
            {
                var used = Marts.Parameters.MartParameters.ForStatementsNames(statements[index]);
                await context.Out.WriteLineAsync(used.Count == 0
                    ? $"  statement {index + 1}: no parameters"
                    : $"  statement {index + 1}: uses {string.Join(", ", used.Select(n => ":" + n + (mart.Parameters.TryGetValue(n, out var value) ? $" (default '{value}')" : Marts.Parameters.MartParameters.BuiltIn.Contains(n) ? " (built in)" : "")))}")
                    .ConfigureAwait(false);
            }
        }

        return 0;
    }

    private static async Task<int> SplitAsync(CliContext context)
    {
        if (context.Args.Length != 1)
        {
            await context.Error.WriteLineAsync("Usage: split FILE").ConfigureAwait(false);
            return ExitInvalid;
        }

        var file = context.Args[0];
        string sql;
        try
        {
            sql = await File.ReadAllTextAsync(file, Encoding.UTF8, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync($"{file}: cannot read: {ex.Message}").ConfigureAwait(false);
            return ExitInvalid;
        }

        try
        {
            var statements = SqlStatementSplitter.Split(sql);
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(statements, s_json)).ConfigureAwait(false);
            return 0;
        }
        catch (SqlSplitException ex)
        {
            await context.Error.WriteLineAsync($"{file}:{ex.Line}:{ex.Column}: {ex.Reason} (line {ex.Line}, column {ex.Column})").ConfigureAwait(false);
            return ExitInvalidSql;
        }
    }

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
