using System.Globalization;
using Scheduler.Runs;
using Scheduler.Security;

namespace Scheduler.Audit;

/// <summary><c>GET /api/audit</c>: the audit log, newest first, for Admins.</summary>
internal static class AuditEndpoints
{
    /// <summary>The default of <c>limit</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest <c>limit</c>.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Maps <c>GET /api/audit</c> on the API group.</summary>
    public static void MapAuditApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/audit", ListAsync)
            .WithName("ListAudit")
            .WithSummary("The audit log (Admin), newest first: every state-changing action, accepted or refused. user, mart, action filter; before: the previous page's last id; limit 1-1000, default 100.")
            .Produces<IReadOnlyList<AuditEntry>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAuthorization(SchedulerAuthentication.AdminPolicy);
    }

    /// <summary>The query of <c>?user=&amp;mart=&amp;action=&amp;before=&amp;limit=</c>, or the problem with it.</summary>
    public static AuditQuery? ParseQuery(string? user, string? mart, string? action, string? before, string? limit, out string? problem)
    {
        problem = null;
        long? beforeId = null;
        if (!string.IsNullOrEmpty(before))
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                problem = $"before '{before}' is not an entry id (the 'id' of the previous page's last entry).";
                return null;
            }

            beforeId = id;
        }

        var count = DefaultLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            problem = $"limit '{limit}' is not a number from 1 to {MaxLimit}.";
            return null;
        }

        return new AuditQuery(NullIfEmpty(user), NullIfEmpty(mart), NullIfEmpty(action), beforeId, count);
    }

    private static async Task<IResult> ListAsync(AuditStore store, string? user, string? mart, string? action, string? before, string? limit,
        CancellationToken cancellationToken)
    {
        if (ParseQuery(user, mart, action, before, limit, out var problem) is not { } query)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad query", detail: problem);
        }

        return Results.Json(await store.ListAsync(query, cancellationToken).ConfigureAwait(false), Runs.RunJson.Options);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
