namespace Scheduler.Redshift.Model;

/// <summary>A statement as ListStatements describes it.</summary>
internal sealed class StatementData
{
    public string Id { get; set; } = "";

    public string? QueryString { get; set; }

    public List<string>? QueryStrings { get; set; }

    public string? SecretArn { get; set; }

    public string? Status { get; set; }

    public string? StatementName { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public bool? IsBatchStatement { get; set; }

    public string? ResultFormat { get; set; }

    public string? SessionId { get; set; }

    public List<SqlParameter>? QueryParameters { get; set; }
}
