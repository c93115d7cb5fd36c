using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Configuration;

namespace Scheduler.Database;

/// <summary>Checks the connection string is present and parses, and the schema is a plain lower-case identifier.</summary>
internal sealed partial class SchedulerDatabaseOptionsValidator : IValidateOptions<SchedulerDatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerDatabaseOptions options)
    {
        var problems = new OptionsProblems();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            problems.Add(SchedulerDatabaseOptions.ConnectionStringKey, null,
                "an Npgsql connection string (Host=…;Database=…;Username=…): Hangfire's jobs and the run ledger live in that PostgreSQL database");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                // The value itself may hold a password: name the problem, never echo the string.
                problems.Add(SchedulerDatabaseOptions.ConnectionStringKey, "(not shown)", $"a valid Npgsql connection string ({ex.Message})");
            }
        }

        if (!IdentifierPattern().IsMatch(options.Schema ?? ""))
        {
            problems.Add(options.SchemaSetting.Key, options.Schema, "a lower-case PostgreSQL identifier (a-z, 0-9, _; at most 63 characters)");
        }

        if (options.SchemaSetting.ConflictingLegacyValue is { } legacy)
        {
            problems.Add(SchedulerDatabaseOptions.LegacySchemaKey, legacy,
                $"unset, or the same schema as {SchedulerDatabaseOptions.SchemaKey} ('{options.Schema}'): it is that key's old name, and the two disagree");
        }

        return problems.ToResult();
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
