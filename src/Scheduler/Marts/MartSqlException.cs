namespace Scheduler.Marts;

// PRE-MERGE STAND-IN for the foundation branch's exception; deleted before `git merge main`.
public sealed class MartSqlException : Exception
{
    public MartSqlException()
    {
    }

    public MartSqlException(string message)
        : base(message)
    {
    }

    public MartSqlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
