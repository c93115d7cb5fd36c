namespace Scheduler.Redshift.Model;

/// <summary>BatchExecuteStatement's response; the same members as ExecuteStatement's.</summary>
internal sealed class BatchExecuteStatementResponse : ExecuteStatementResponse;
