using System.Text;
using Scheduler.Marts.Definitions;
using Scheduler.Sql;

namespace Scheduler.Marts;

/// <summary>
/// Reads a mart's SQL file and turns it into the statements of one <c>BatchExecuteStatement</c>, checking the Data
/// API's limits (1 to <see cref="MaxStatements"/> statements, each at most <see cref="MaxStatementBytes"/> bytes).
/// Runs call it at submit time because the file may have changed since start-up.
/// </summary>
internal sealed class MartSqlLoader
{
    /// <summary>The most SQL statements one <c>BatchExecuteStatement</c> accepts.</summary>
    public const int MaxStatements = 40;

    /// <summary>The largest statement the Data API accepts: 100 KB, counted in UTF-8 bytes.</summary>
    public const int MaxStatementBytes = 100 * 1024;

    /// <summary>
    /// Loads and splits the mart's SQL file. The file is read again (it may have changed since start-up), but only
    /// through a path that stays inside <see cref="MartDefinition.SqlRoot"/> once links are followed: a SQL file swapped
    /// for a symbolic link to, say, <c>/etc/passwd</c> after validation is refused, not sent to Redshift.
    /// </summary>
    /// <param name="mart">The mart.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The statements, between 1 and <see cref="MaxStatements"/>.</returns>
    /// <exception cref="MartSqlException">
    /// The file is missing, unreadable or leads out of the root, its SQL is invalid, or it breaks a limit.
    /// </exception>
#pragma warning disable CA1822 // an injected service (the submit step, validate and tests take it from the container)
    public async Task<IReadOnlyList<string>> LoadAsync(MartDefinition mart, CancellationToken cancellationToken)
#pragma warning restore CA1822
    {
        ArgumentNullException.ThrowIfNull(mart);
        var root = PathContainment.ResolveLinks(mart.SqlRoot) ?? mart.SqlRoot;
        var real = PathContainment.ResolveLinks(mart.SqlPath);
        if (real is null || !PathContainment.IsInside(real, root))
        {
            throw OutsideRoot(mart);
        }

        string text;
        try
        {
            using var handle = File.OpenHandle(real, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            // A link swapped in between the check and the open: the kernel says which file was really opened.
            if (OpenedPath(handle) is { } opened && !PathContainment.IsInside(opened, root))
            {
                throw OutsideRoot(mart);
            }

            await using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 4096, isAsync: true);
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MartSqlException(mart.Name, mart.SqlFile,
                $"Mart '{mart.Name}': cannot read SQL file '{mart.SqlFile}' ({ex.GetType().Name}).", ex);
        }

        return Split(mart.Name, mart.SqlFile, text);
    }

    private static MartSqlException OutsideRoot(MartDefinition mart) =>
        new(mart.Name, mart.SqlFile,
            $"Mart '{mart.Name}': SQL file '{mart.SqlFile}' no longer leads to a file inside Sql:Root (a symbolic link points out of it); it was not read.");

    // Linux names every open file under /proc/self/fd; elsewhere the check before the open stands alone.
    private static string? OpenedPath(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var fd = $"/proc/self/fd/{handle.DangerousGetHandle().ToInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        try
        {
            return File.ResolveLinkTarget(fd, returnFinalTarget: false)?.FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
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
