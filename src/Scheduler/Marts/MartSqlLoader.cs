using System.Text;
using Scheduler.Sql;

namespace Scheduler.Marts;

/// <summary>
/// Reads a mart's SQL file and turns it into the statements of one <c>BatchExecuteStatement</c>, checking the Data
/// API's limits (1 to <see cref="MaxStatements"/> statements, each at most <see cref="MaxStatementBytes"/> bytes).
/// Runs call it at submit time because the file may have changed since start-up.
/// </summary>
public sealed class MartSqlLoader
{
    /// <summary>The most SQL statements one <c>BatchExecuteStatement</c> accepts.</summary>
    public const int MaxStatements = 40;

    /// <summary>The largest statement the Data API accepts: 100 KB, counted in UTF-8 bytes.</summary>
    public const int MaxStatementBytes = 100 * 1024;

    /// <summary>Loads and splits the mart's SQL file.</summary>
    /// <param name="mart">The mart.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The statements, between 1 and <see cref="MaxStatements"/>.</returns>
    /// <exception cref="MartSqlException">The file is missing or unreadable, its SQL is invalid, or it breaks a limit.</exception>
    public async Task<IReadOnlyList<string>> LoadAsync(MartDefinition mart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(mart.SqlPath, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MartSqlException(mart.Name, mart.SqlPath,
                $"Mart '{mart.Name}': cannot read SQL file '{mart.SqlPath}': {ex.Message}", ex);
        }

        return Split(mart.Name, mart.SqlPath, text);
    }

    /// <summary>Splits already-read SQL and checks the limits, with messages naming the mart and file.</summary>
    /// <exception cref="MartSqlException">The SQL is invalid or breaks a limit.</exception>
    public static IReadOnlyList<string> Split(string martName, string sqlPath, string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        IReadOnlyList<string> statements;
        try
        {
            statements = SqlStatementSplitter.Split(sql);
        }
        catch (SqlSplitException ex)
        {
            throw new MartSqlException(martName, sqlPath,
                $"Mart '{martName}': SQL file '{sqlPath}' line {ex.Line}, column {ex.Column}: {ex.Reason}.", ex);
        }

        if (statements.Count > MaxStatements)
        {
            throw new MartSqlException(martName, sqlPath,
                $"Mart '{martName}': SQL file '{sqlPath}' holds {statements.Count} statements; " +
                $"BatchExecuteStatement accepts at most {MaxStatements}.");
        }

        for (var index = 0; index < statements.Count; index++)
        {
            var bytes = Encoding.UTF8.GetByteCount(statements[index]);
            if (bytes > MaxStatementBytes)
            {
                throw new MartSqlException(martName, sqlPath,
                    $"Mart '{martName}': SQL file '{sqlPath}' statement {index + 1} is {bytes} bytes; " +
                    $"the Data API accepts at most {MaxStatementBytes} bytes (100 KB) per statement.");
            }
        }

        return statements;
    }
}
