using System.Diagnostics.CodeAnalysis;
using Scheduler.Sql;

namespace Scheduler.Runs;

/// <summary>
/// Runs as they may be shown: the error and the sub-statements' SQL and errors through <see cref="SecretRedactor"/>.
/// The ledger stores them redacted already; the API and the dashboard redact again, so an older row cannot leak.
/// </summary>
internal static class RunRedaction
{
    /// <summary>The run with its error and its sub-statements' SQL and errors redacted.</summary>
    [return: NotNullIfNotNull(nameof(run))]
    public static RunRecord? Redacted(this RunRecord? run) =>
        run is null
            ? null
            : run with
            {
                Error = SecretRedactor.Redact(run.Error, run.Parameters),
                StatusReason = SecretRedactor.Redact(run.StatusReason, run.Parameters),
                SubStatements = [.. run.SubStatements.Select(s => s with { Sql = SecretRedactor.Redact(s.Sql)!, Error = SecretRedactor.Redact(s.Error, run.Parameters) })],
                Parameters = RedactParameters(run.Parameters),
            };

    /// <summary>The summary with its error redacted.</summary>
    [return: NotNullIfNotNull(nameof(run))]
    public static RunSummary? Redacted(this RunSummary? run) =>
        run is RunRecord record
            ? record.Redacted()
            : run is null ? null : run with
            {
                Error = SecretRedactor.Redact(run.Error, run.Parameters),
                StatusReason = SecretRedactor.Redact(run.StatusReason, run.Parameters),
                Parameters = RedactParameters(run.Parameters),
            };

    /// <summary>
    /// Parameters are data (dates, regions), but one named like a credential is shown as <c>(hidden)</c>: it is still
    /// bound in Redshift, only never displayed (the policy is <see cref="SecretNames"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> RedactParameters(IReadOnlyDictionary<string, string> parameters) =>
        SecretNames.Hide(parameters);

    /// <summary>True when a parameter's name looks like a credential's: its value is never displayed (nor prefilled in a form).</summary>
    public static bool LooksSecret(string name) => SecretNames.IsSecret(name);
}
