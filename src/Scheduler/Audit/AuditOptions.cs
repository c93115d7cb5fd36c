namespace Scheduler.Audit;

/// <summary><c>Audit:*</c>: how long the audit log is kept.</summary>
internal sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Audit";

    /// <summary><c>Audit:Retention</c>: entries older than this are deleted by the hourly retention job (default 400 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);

    /// <summary><c>Audit:PurgeBatchSize</c>: entries deleted per statement, so no purge holds locks for long.</summary>
    public int PurgeBatchSize { get; set; } = 10_000;
}
