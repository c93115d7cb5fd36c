namespace Scheduler.Redshift.Model;

/// <summary>BatchExecuteStatement's response; the same members as ExecuteStatement's.</summary>
public sealed class BatchExecuteStatementResponse : ExecuteStatementResponse;
