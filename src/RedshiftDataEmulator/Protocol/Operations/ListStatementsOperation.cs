using RedshiftDataEmulator.Protocol.Model;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>ListStatements: newest first, by name prefix, status (FINISHED unless asked), database and target.</summary>
internal sealed class ListStatementsOperation(StatementLookup lookup, StatementStore store)
    : DataApiOperation<ListStatementsRequest, ListStatementsResponse>(
        DataApiJsonContext.Default.ListStatementsRequest, DataApiJsonContext.Default.ListStatementsResponse)
{
    public override string Name => "ListStatements";

    protected override async Task<ListStatementsResponse> HandleAsync(ListStatementsRequest request, CancellationToken cancellationToken)
    {
        var maxResults = request.MaxResults ?? 100;
        if (maxResults is < 0 or > 100)
        {
            throw ApiException.Validation($"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and 100");
        }

        if (maxResults == 0)
        {
            maxResults = 100;
        }

        var status = request.Status ?? StatementStatus.Finished;
        if (status is not ("SUBMITTED" or "PICKED" or "STARTED" or "FINISHED" or "ABORTED" or "FAILED" or "ALL"))
        {
            throw ApiException.Validation($"1 validation error detected: Value '{status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ABORTED, ALL, FAILED, FINISHED, PICKED, STARTED, SUBMITTED]");
        }

        if (request.ClusterIdentifier is not null && request.WorkgroupName is not null)
        {
            throw ApiException.Validation("Either ClusterIdentifier or WorkgroupName can be specified, but not both.");
        }

        (DateTimeOffset, Guid)? after = null;
        if (request.NextToken is { } token)
        {
            after = PageTokens.DecodeListKey(token) ?? throw ApiException.Validation($"NextToken '{token}' is not valid.");
        }

        var page = await store.ListAsync(lookup.RetentionCutoff, request.StatementName, status == "ALL" ? null : status,
            request.Database, request.ClusterIdentifier, request.WorkgroupName, after, maxResults + 1, cancellationToken);
        var last = page.Count > maxResults ? page[maxResults - 1] : null;
        return new ListStatementsResponse
        {
            Statements = page.Take(maxResults).Select(s => new StatementData
            {
                Id = s.Id.ToString(),
                Status = s.Status,
                StatementName = s.StatementName,
                SecretArn = s.SecretArn,
                CreatedAt = s.CreatedAt,
                UpdatedAt = s.UpdatedAt,
                IsBatchStatement = s.IsBatch,
                ResultFormat = s.ResultFormat,
                QueryStrings = s.IsBatch ? s.Sqls.ToList() : null,
                QueryString = s.IsBatch ? null : s.Sqls[0],
                QueryParameters = StatementLookup.Parameters(s),
            }).ToList(),
            NextToken = last is null ? null : PageTokens.EncodeListKey(last.CreatedAt, last.Id),
        };
    }
}
