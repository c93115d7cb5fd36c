using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Api;
using Scheduler.Backfills;
using Scheduler.Marts;
using Scheduler.Marts.Live;
using Scheduler.Runs;
using Scheduler.Security;

namespace Scheduler.Api;

/// <summary>
/// The backfill API: <c>POST /api/marts/{name}/backfills</c> plans and starts one (202), <c>GET /api/marts/{name}/backfills</c>
/// lists a mart's, <c>GET /api/backfills/{id}</c> shows progress, <c>POST /api/backfills/{id}/cancel</c> stops it (runs
/// already started go on). Reads need any authenticated user; writes the Admin role and a same-origin request.
/// </summary>
internal static class BackfillEndpoints
{
    /// <summary>Maps the routes on the API group.</summary>
    public static void MapBackfillApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/marts/{name}/backfills", CreateAsync)
            .WithName("CreateBackfill")
            .WithSummary("Plans a backfill of the mart over [from, to] (Admin): 202 with its id, planned logical dates and progress.")
            .Accepts<BackfillRequest>("application/json")
            .Produces<Dictionary<string, object?>>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequireAuthorization(SchedulerAuthentication.AdminPolicy)
            .AddEndpointFilter<SameOriginFilter>();
        api.MapGet("/marts/{name}/backfills", ListAsync)
            .WithName("ListBackfills")
            .WithSummary("The mart's backfills and catch-ups, newest first.")
            .Produces<List<Dictionary<string, object?>>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/backfills/{backfillId}", GetAsync)
            .WithName("GetBackfill")
            .WithSummary("A backfill's progress: totals and every date's state, run and run status.")
            .Produces<Dictionary<string, object?>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/backfills/{backfillId}/cancel", CancelAsync)
            .WithName("CancelBackfill")
            .WithSummary("Cancels a backfill (Admin): no new run starts; runs already started go on.")
            .Produces<Dictionary<string, object?>>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(SchedulerAuthentication.AdminPolicy)
            .AddEndpointFilter<SameOriginFilter>();
    }

    private static async Task<IResult> CreateAsync(string name, LiveMartCatalog catalog, BackfillService backfills, HttpContext http, CancellationToken cancellationToken)
    {
        var state = catalog.FindState(name);
        if (state is { Definition: null } invalid)
        {
            return Problem(StatusCodes.Status409Conflict, "Backfill refused",
                $"Mart '{name}' cannot run: its definition ({invalid.Source}) has problems and it was never valid since start-up: " + string.Join("; ", invalid.Problems) + ".");
        }

        if (state?.Definition is not { } mart)
        {
            return UnknownMart(name);
        }

        if (!mart.Enabled)
        {
            return Problem(StatusCodes.Status409Conflict, "Backfill refused",
                $"Mart '{name}' is disabled (Enabled = false), so it cannot run; set Enabled to true first.");
        }

        var (body, bodyError) = await ApiEndpoints.ReadJsonBodyAsync(http.Request, BackfillBody.MaxBytes, cancellationToken).ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!BackfillBody.TryRead(body, mart, out var request, out var field, out var expected))
        {
            return ApiEndpoints.InvalidField(field, expected);
        }

        var (progress, badField, problem) = await backfills.CreateAsync(mart, request, http.User.Identity?.Name, cancellationToken).ConfigureAwait(false);
        if (progress is null)
        {
            return ApiEndpoints.InvalidField(badField!, problem!);
        }

        http.Response.Headers.Location = BackfillJson.Location(progress.Backfill.BackfillId);
        return Results.Json(BackfillJson.Of(progress.Backfill, progress.Dates, mart), RunJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(string name, string? limit, IMartCatalog catalog, BackfillStore store, CancellationToken cancellationToken)
    {
        var count = 50;
        if (!string.IsNullOrWhiteSpace(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 1000))
        {
            return ApiEndpoints.InvalidField("limit", $"a whole number from 1 to 1000 (default 50), not '{limit}'");
        }

        var list = await store.ListAsync(name, count, cancellationToken).ConfigureAwait(false);
        if (list.Count == 0 && catalog.Find(name) is null)
        {
            return UnknownMart(name);
        }

        return Results.Json(list.Select(b => BackfillJson.Of(b, null, null)).ToList(), RunJson.Options);
    }

    private static async Task<IResult> GetAsync(string backfillId, IMartCatalog catalog, BackfillStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(backfillId, out var id))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown backfill", $"'{backfillId}' is not a backfill id (a GUID).");
        }

        var progress = await store.GetProgressAsync(id, cancellationToken).ConfigureAwait(false);
        return progress is null
            ? Problem(StatusCodes.Status404NotFound, "Unknown backfill", $"No backfill has the id {id:D}.")
            : Results.Json(BackfillJson.Of(progress.Backfill, progress.Dates, catalog.Find(progress.Backfill.Mart)), RunJson.Options);
    }

    private static async Task<IResult> CancelAsync(string backfillId, IMartCatalog catalog, BackfillService backfills, HttpContext http, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(backfillId, out var id))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown backfill", $"'{backfillId}' is not a backfill id (a GUID).");
        }

        var (progress, cancelled) = await backfills.CancelAsync(id, http.User.Identity?.Name, cancellationToken).ConfigureAwait(false);
        if (progress is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown backfill", $"No backfill has the id {id:D}.");
        }

        if (!cancelled && progress.Backfill.Status != BackfillStatus.Cancelled)
        {
            return Problem(StatusCodes.Status409Conflict, "The backfill is not running",
                $"Backfill {id:D} has already {progress.Backfill.Status.ToString().ToLowerInvariant()}; only a running backfill can be cancelled.");
        }

        http.Response.Headers.Location = BackfillJson.Location(id);
        return Results.Json(BackfillJson.Of(progress.Backfill, progress.Dates, catalog.Find(progress.Backfill.Mart)), RunJson.Options,
            statusCode: StatusCodes.Status202Accepted);
    }

    private static ProblemHttpResult UnknownMart(string name) => Problem(StatusCodes.Status404NotFound, "Unknown mart",
        $"No mart is named '{name}'. GET /api/marts lists the marts (names are case-sensitive).");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
