using System.Runtime.CompilerServices;
using Scheduler.Redshift.Model;

namespace Scheduler.Redshift;

/// <summary>Page-by-page enumeration of the paginated operations (what the official SDK's <c>Paginators</c> offer).</summary>
internal static class RedshiftDataClientPaginationExtensions
{
    /// <summary>Every page of a statement's JSON result, following <c>NextToken</c> until it is absent or empty.</summary>
    /// <remarks>The request's <c>NextToken</c> is the starting page; the request object itself is not changed.</remarks>
    public static async IAsyncEnumerable<GetStatementResultResponse> GetStatementResultPagesAsync(
        this IRedshiftDataClient client, GetStatementResultRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var nextToken = request.NextToken;
        do
        {
            var page = await client.GetStatementResultAsync(
                new GetStatementResultRequest { Id = request.Id, NextToken = nextToken, WaitTimeSeconds = request.WaitTimeSeconds },
                cancellationToken).ConfigureAwait(false);
            yield return page;
            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));
    }

    /// <summary>Every page of ListStatements, following <c>NextToken</c> until it is absent or empty.</summary>
    /// <remarks>The request's <c>NextToken</c> is the starting page; the request object itself is not changed.</remarks>
    public static async IAsyncEnumerable<ListStatementsResponse> ListStatementsPagesAsync(
        this IRedshiftDataClient client, ListStatementsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var nextToken = request.NextToken;
        do
        {
            var page = await client.ListStatementsAsync(
                new ListStatementsRequest
                {
                    NextToken = nextToken,
                    MaxResults = request.MaxResults,
                    StatementName = request.StatementName,
                    Status = request.Status,
                    RoleLevel = request.RoleLevel,
                    Database = request.Database,
                    ClusterIdentifier = request.ClusterIdentifier,
                    WorkgroupName = request.WorkgroupName,
                },
                cancellationToken).ConfigureAwait(false);
            yield return page;
            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));
    }
}
