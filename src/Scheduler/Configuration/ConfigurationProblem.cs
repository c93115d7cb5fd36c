using System.Globalization;

namespace Scheduler.Configuration;

/// <summary>One thing wrong with the configuration: the key, the value found and what was expected.</summary>
/// <param name="Key">The configuration key, e.g. <c>Marts:daily:Cron</c>, or for a definition file <c>finance/daily.mart.json:Cron</c>.</param>
/// <param name="Value">
/// The value found, or null when the key is missing; the value of a secret-like key is never kept (see
/// <see cref="Configuration.SecretValues"/>).
/// </param>
/// <param name="Expected">What was expected instead.</param>
internal sealed record ConfigurationProblem(string Key, string? Value, string Expected)
{
    /// <summary>The value found (masked for a secret-like key), or null when the key is missing.</summary>
    public string? Value { get; init; } = Configuration.SecretValues.Mask(Key, Value);

    /// <summary>The definition file (relative to <c>Sql:Root</c>) the problem is in; null for configuration keys.</summary>
    public string? File { get; init; }

    /// <summary>The 1-based line in <see cref="File"/>, when known.</summary>
    public int? Line { get; init; }

    /// <summary>The mart concerned, or null for a problem of the whole configuration.</summary>
    public string? Mart { get; init; }

    /// <summary>One line: <c>Key = 'value': expected</c>, with the file's line when there is one.</summary>
    public override string ToString()
    {
        var key = Line is { } line ? string.Create(CultureInfo.InvariantCulture, $"{Key} (line {line})") : Key;
        return Value is null ? $"{key} (missing): {Expected}" : $"{key} = '{Value}': {Expected}";
    }
}
