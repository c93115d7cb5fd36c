using RedshiftDataEmulator.Protocol.Model;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>DescribeStatement: a statement (with its sub-statements for a batch) or one sub-statement (<c>id:N</c>).</summary>
internal sealed class DescribeStatementOperation(StatementLookup lookup, StatementRunner runner)
    : DataApiOperation<DescribeStatementRequest, DescribeStatementResponse>(
        DataApiJsonContext.Default.DescribeStatementRequest, DataApiJsonContext.Default.DescribeStatementResponse)
{
    public override string Name => "DescribeStatement";

    protected override async Task<DescribeStatementResponse> HandleAsync(DescribeStatementRequest request, CancellationToken cancellationToken)
    {
        var (id, index) = StatementIds.Parse(request.Id);
        var wait = LongPolling.WaitTime(request.WaitTimeSeconds);
        var statement = await lookup.GetExistingAsync(id, index, cancellationToken);
        if (wait is not null && !StatementStatus.IsTerminal(statement.Status))
        {
            await runner.WaitForEndAsync(id, wait.Value, cancellationToken);
            statement = await lookup.GetExistingAsync(id, index, cancellationToken);
        }

        if (index is { } n)
        {
            var sub = statement.SubStatements[n - 1];
            return new DescribeStatementResponse
            {
                Id = $"{statement.Id}:{n}",
                ClusterIdentifier = statement.ClusterIdentifier,
                WorkgroupName = statement.WorkgroupName,
                Database = statement.Database,
                DbUser = statement.DbUser,
                SecretArn = statement.SecretArn,
                Status = sub.Status,
                Error = sub.Error,
                CreatedAt = sub.CreatedAt,
                UpdatedAt = sub.UpdatedAt,
                Duration = sub.DurationNs,
                QueryString = sub.QueryString,
                ResultRows = sub.ResultRows,
                ResultSize = sub.ResultSize,
                RedshiftQueryId = sub.RedshiftQueryId,
                HasResultSet = sub.HasResultSet,
            };
        }

        var single = statement.IsBatch ? null : statement.SubStatements[0];
        return new DescribeStatementResponse
        {
            Id = statement.Id.ToString(),
            ClusterIdentifier = statement.ClusterIdentifier,
            WorkgroupName = statement.WorkgroupName,
            Database = statement.Database,
            DbUser = statement.DbUser,
            SecretArn = statement.SecretArn,
            Status = statement.Status,
            Error = statement.Error,
            CreatedAt = statement.CreatedAt,
            UpdatedAt = statement.UpdatedAt,
            Duration = DurationNs(statement),
            RedshiftPid = statement.RedshiftPid,
            ResultFormat = statement.ResultFormat,
            // A batch's own result members: the service answers no result set and "null" (-1) sizes.
            QueryString = single?.QueryString,
            HasResultSet = single?.HasResultSet ?? false,
            ResultRows = single?.ResultRows ?? -1,
            ResultSize = single?.ResultSize ?? -1,
            RedshiftQueryId = single?.RedshiftQueryId ?? 0,
            QueryParameters = statement.IsBatch ? null : StatementLookup.Parameters(statement),
            ExecutionMode = statement.IsBatch ? statement.ExecutionMode : null,
            SubStatements = statement.IsBatch ? statement.SubStatements.Select(sub => SubStatement(statement, sub)).ToList() : null,
        };
    }

    private static SubStatementData SubStatement(StatementRecord statement, SubStatementRecord sub) => new()
    {
        Id = $"{statement.Id}:{sub.Index}",
        Status = sub.Status,
        Error = sub.Error,
        CreatedAt = sub.CreatedAt,
        UpdatedAt = sub.UpdatedAt,
        Duration = sub.DurationNs,
        QueryString = sub.QueryString,
        ResultRows = sub.ResultRows,
        ResultSize = sub.ResultSize,
        RedshiftQueryId = sub.RedshiftQueryId,
        HasResultSet = sub.HasResultSet,
    };

    /// <summary>Nanoseconds from start to end; 0 for one that ended without starting, -1 while not ended.</summary>
    private static long DurationNs(StatementRecord statement) =>
        statement.StartedAt is { } started && StatementStatus.IsTerminal(statement.Status)
            ? (statement.UpdatedAt - started).Ticks * 100
            : StatementStatus.IsTerminal(statement.Status) ? 0 : -1;
}
