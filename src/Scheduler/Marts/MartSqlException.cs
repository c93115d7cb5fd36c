namespace Scheduler.Marts;

/// <summary>A mart's SQL file cannot be submitted: unreadable, invalid SQL, or beyond the Data API's limits.</summary>
internal sealed class MartSqlException : Exception
{
    /// <summary>Creates the exception for a mart and its file.</summary>
    public MartSqlException(string mart, string sqlPath, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Mart = mart;
        SqlPath = sqlPath;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public MartSqlException()
        : this(string.Empty, string.Empty, "The mart's SQL file cannot be submitted.")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public MartSqlException(string message)
        : this(string.Empty, string.Empty, message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public MartSqlException(string message, Exception innerException)
        : this(string.Empty, string.Empty, message, innerException)
    {
    }

    /// <summary>The mart's name.</summary>
    public string Mart { get; }

    /// <summary>The full path of the SQL file.</summary>
    public string SqlPath { get; }
}
