namespace Scheduler.Sql;

/// <summary>
/// A SQL file that cannot be split into statements: an unterminated string, quoted identifier, comment or
/// dollar-quoted body, or no statement at all.
/// </summary>
internal sealed class SqlSplitException : FormatException
{
    /// <summary>Creates the exception; the message is prefixed with the position.</summary>
    /// <param name="reason">What is wrong, e.g. "Unterminated string literal".</param>
    /// <param name="line">1-based line where the problem starts.</param>
    /// <param name="column">1-based column where the problem starts.</param>
    public SqlSplitException(string reason, int line, int column)
        : base($"Line {line}, column {column}: {reason}.")
    {
        Reason = reason;
        Line = line;
        Column = column;
    }

    /// <summary>Creates the exception (for serializers and analyzers); prefer the positional constructor.</summary>
    public SqlSplitException()
        : this("Invalid SQL", 1, 1)
    {
    }

    /// <summary>Creates the exception with a message and no position (line and column 1).</summary>
    public SqlSplitException(string message)
        : base(message)
    {
        Reason = message;
        Line = 1;
        Column = 1;
    }

    /// <summary>Creates the exception with a message and an inner exception (line and column 1).</summary>
    public SqlSplitException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
        Line = 1;
        Column = 1;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>1-based line where the problem starts (the opening quote or comment).</summary>
    public int Line { get; }

    /// <summary>1-based column (in UTF-16 characters, after a byte-order mark) where the problem starts.</summary>
    public int Column { get; }
}
