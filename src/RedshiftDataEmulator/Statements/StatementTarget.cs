namespace RedshiftDataEmulator.Statements;

/// <summary>Where a statement runs: a serverless workgroup or a provisioned cluster (exactly one is set).</summary>
internal readonly record struct StatementTarget(string? WorkgroupName, string? ClusterIdentifier)
{
    public static StatementTarget Of(StatementRecord statement) => new(statement.WorkgroupName, statement.ClusterIdentifier);

    public string Describe() => WorkgroupName is not null ? $"workgroup '{WorkgroupName}'" : $"cluster '{ClusterIdentifier}'";
}
