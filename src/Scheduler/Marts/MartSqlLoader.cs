namespace Scheduler.Marts;

// PRE-MERGE STAND-IN for the foundation branch's loader (same signature); deleted before `git merge main`.
public sealed class MartSqlLoader
{
    public async Task<IReadOnlyList<string>> LoadAsync(MartDefinition mart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var text = await File.ReadAllTextAsync(mart.SqlPath, cancellationToken).ConfigureAwait(false);
        if (text.Contains("INVALID", StringComparison.Ordinal))
        {
            throw new MartSqlException($"Mart '{mart.Name}': SQL file '{mart.SqlPath}' line 1, column 1: invalid.");
        }

        return text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
