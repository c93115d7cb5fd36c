namespace Scheduler.Marts;

/// <summary>One thing wrong with the configuration: the key, the value found and what was expected.</summary>
/// <param name="Key">The configuration key, e.g. <c>Marts:daily:Cron</c>.</param>
/// <param name="Value">The value found, or null when the key is missing.</param>
/// <param name="Expected">What was expected instead.</param>
public sealed record ConfigurationProblem(string Key, string? Value, string Expected)
{
    /// <summary>One line: <c>Key = 'value': expected</c>.</summary>
    public override string ToString() =>
        Value is null ? $"{Key} (missing): {Expected}" : $"{Key} = '{Value}': {Expected}";
}
