using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Audit;
using Scheduler.Backfills;
using Scheduler.Marts.Live;
using Scheduler.Pausing;
using Scheduler.Redshift.Model;
using Scheduler.Runs;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;
using Scheduler.Security;

namespace Scheduler.Api;

/// <summary>
/// The HTTP API under <c>/api</c>: marts, runs, trigger and cancel. Runs are the run JSON of the contract
/// (<see cref="RunJson.Options"/>); errors are <c>application/problem+json</c> with a detail that says what to do.
/// </summary>
internal static class ApiEndpoints
{
    /// <summary>The default of <c>limit</c> on <c>GET /api/runs</c>.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest <c>limit</c> on <c>GET /api/runs</c>.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Maps the API. Reads need any authenticated user; trigger and cancel need the Admin role.</summary>
    public static RouteGroupBuilder MapSchedulerApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Every route answers 401 (no or wrong credentials), 403 (role, loopback or cross-site refusal) and 429 (login
        // throttle) before its handler runs: declared once here so the OpenAPI document shows them everywhere.
        var api = endpoints.MapGroup("/api")
            .WithTags("Scheduler")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/marts", GetMartsAsync)
            .WithName("ListMarts")
            .WithSummary("Every mart: schedule, next fire time, pause, last run and definition problems.")
            .Produces<IReadOnlyList<MartSummary>>();
        api.MapPost("/marts/{name}/runs", TriggerAsync)
            .WithName("TriggerRun")
            .WithSummary("Starts a run of the mart now (Admin), optionally for a logical date with parameter overrides. 202 with the run and its Location.")
            .Accepts<ManualRunRequest>(isOptional: true, "application/json")
            .Produces<RunRecord>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(SchedulerAuthentication.AdminPolicy)
            .AddEndpointFilter<SameOriginFilter>();
        api.MapPost("/marts/{name}/pause", PauseMartAsync)
            .WithName("PauseMart")
            .WithSummary("Pauses the mart's scheduled runs (Admin); manual runs stay possible. Optional body {\"reason\": \"…\"}.")
            .Accepts<PauseRequest>(isOptional: true, "application/json")
            .Produces<PauseSummary>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(SchedulerAuthentication.AdminPolicy)
            .AddEndpointFilter<SameOriginFilter>();
        api.MapPost("/marts/{name}/resume", ResumeMartAsync)
            .WithName("ResumeMart")
            .WithSummary("Resumes the mart's scheduled runs (Admin).")
            .Produces<PauseSummary>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(SchedulerAuthentication.AdminPolicy)
            .AddEndpointFilter<SameOriginFilter>();
        api.MapGet("/pause", GetPauseAsync)
            .WithName("GetGlobalPause")
            .WithSummary("Whether the global pause is on, since when and by whom.")
            .Produces<PauseSummary>();
        api.MapPost("/pause", PauseAllAsync)
            .WithName("PauseAll")
            .WithSummary("Global pause (Admin): no new run is sent; runs already in Redshift are followed to their end. Optional body {\"reason\": \"…\"}.")
            .Accepts<PauseRequest>(isOptional: true, "application/json")
            .Produces<PauseSummary>()
            .RequireAuthorization(SchedulerAuthentication.AdminPolicy)
            .AddEndpointFilter<SameOriginFilter>();
        api.MapPost("/resume", ResumeAllAsync)
            .WithName("ResumeAll")
            .WithSummary("Ends the global pause (Admin).")
            .Produces<PauseSummary>()
            .RequireAuthorization(SchedulerAuthentication.AdminPolicy)
            .AddEndpointFilter<SameOriginFilter>();
        api.MapGet("/runs", ListRunsAsync)
            .WithName("ListRuns")
            .WithSummary("Recent runs, newest first, without SQL and sub-statements. status: a run status (any case); limit: 1-1000, default 50.")
            .Produces<IReadOnlyList<RunSummary>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/runs/{runId}", GetRunAsync)
            .WithName("GetRun")
            .WithSummary("One run with its sub-statements (SQL redacted of credentials).")
            .Produces<RunRecord>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/runs/{runId}/cancel", CancelAsync)
            .WithName("CancelRun")
            .WithSummary("Cancels an active run (Admin). 202 with the run, now Cancelling (or Cancelled if nothing was sent).")
            .Produces<RunRecord>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(SchedulerAuthentication.AdminPolicy)
            .AddEndpointFilter<SameOriginFilter>();
        api.MapBackfillApi();
        api.MapAuditApi();
        return api;
    }

    /// <summary>The API location of a run.</summary>
    public static string RunLocation(Guid runId) => $"/api/runs/{runId:D}";

    private static async Task<IResult> GetMartsAsync(LiveMartCatalog catalog, PauseStore pauses, IRunQueries ledger, TimeProvider time, CancellationToken cancellationToken)
    {
        var snapshot = catalog.Snapshot;
        var lastRuns = await ledger.GetLastRunsAsync(snapshot.Marts.Select(m => m.Name), cancellationToken).ConfigureAwait(false);
        var state = await pauses.GetAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(MartSummaries.Build(snapshot, state, lastRuns, time.GetUtcNow()), RunJson.Options);
    }

    private static async Task<IResult> PauseMartAsync(string name, LiveMartCatalog catalog, PauseStore pauses, HttpContext http, CancellationToken cancellationToken)
    {
        if (catalog.FindState(name) is null)
        {
            return UnknownMart(name);
        }

        var reason = await PauseRequest.ReadReasonAsync(http.Request, cancellationToken).ConfigureAwait(false);
        var pause = await pauses.PauseMartAsync(name, http.User.Identity?.Name, reason, cancellationToken).ConfigureAwait(false);
        PauseRequest.LogPaused(http, name, pause);
        return Results.Json(new PauseSummary(name, true, pause.PausedAt, pause.PausedBy) { Reason = pause.Reason }, RunJson.Options);
    }

    private static async Task<IResult> ResumeMartAsync(string name, LiveMartCatalog catalog, PauseStore pauses, CancellationToken cancellationToken)
    {
        if (catalog.FindState(name) is null)
        {
            return UnknownMart(name);
        }

        await pauses.ResumeMartAsync(name, cancellationToken).ConfigureAwait(false);
        return Results.Json(new PauseSummary(name, false, null, null), RunJson.Options);
    }

    private static async Task<IResult> GetPauseAsync(PauseStore pauses, CancellationToken cancellationToken)
    {
        var global = (await pauses.GetAsync(cancellationToken).ConfigureAwait(false)).Global;
        return Results.Json(new PauseSummary(null, global is not null, global?.PausedAt, global?.PausedBy) { Reason = global?.Reason }, RunJson.Options);
    }

    private static async Task<IResult> PauseAllAsync(PauseStore pauses, HttpContext http, CancellationToken cancellationToken)
    {
        var reason = await PauseRequest.ReadReasonAsync(http.Request, cancellationToken).ConfigureAwait(false);
        var pause = await pauses.PauseAllAsync(http.User.Identity?.Name, reason, cancellationToken).ConfigureAwait(false);
        PauseRequest.LogPaused(http, null, pause);
        return Results.Json(new PauseSummary(null, true, pause.PausedAt, pause.PausedBy) { Reason = pause.Reason }, RunJson.Options);
    }

    private static async Task<IResult> ResumeAllAsync(PauseStore pauses, CancellationToken cancellationToken)
    {
        await pauses.ResumeAllAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(new PauseSummary(null, false, null, null), RunJson.Options);
    }

    private static ProblemHttpResult UnknownMart(string name) => Problem(StatusCodes.Status404NotFound, "Unknown mart",
        $"No mart is named '{name}'. GET /api/marts lists the marts (names are case-sensitive).");

    private static async Task<IResult> TriggerAsync(string name, IRunTrigger runs, LiveMartCatalog catalog, HttpContext http, CancellationToken cancellationToken)
    {
        var state = catalog.FindState(name);
        if (state is { Definition: null } invalid)
        {
            return Problem(StatusCodes.Status409Conflict, "Run refused",
                $"Mart '{name}' cannot run: its definition ({invalid.Source}) has problems and it was never valid since start-up: " +
                string.Join("; ", invalid.Problems) + ".");
        }

        if (state?.Definition is not { } mart)
        {
            return UnknownMart(name);
        }

        var (body, bodyError) = await ReadJsonBodyAsync(http.Request, ManualRunBody.MaxBytes, cancellationToken).ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!ManualRunBody.TryRead(body, mart, out var request, out var field, out var expected))
        {
            return InvalidField(field, expected);
        }

        var result = await runs.TriggerAsync(name, request, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            TriggerOutcome.Started => Results.Json(result.Run.Redacted(), RunJson.Options, statusCode: StatusCodes.Status202Accepted)
                .WithLocation(RunLocation(result.Run!.RunId)),
            TriggerOutcome.Skipped => Problem(StatusCodes.Status409Conflict, "A run is already active",
                $"Mart '{name}' has an active run ({result.ActiveRunId:D}) in the way; this trigger was recorded as skipped run {result.Run?.RunId:D}: " +
                $"{result.Run?.Error} Wait for the active run to end, or cancel it first.",
                new Dictionary<string, object?> { ["activeRunId"] = result.ActiveRunId, ["skippedRunId"] = result.Run?.RunId }),
            TriggerOutcome.Refused => Problem(StatusCodes.Status409Conflict, "Run refused", result.Reason!,
                new Dictionary<string, object?> { ["reason"] = result.Reason }),
            TriggerOutcome.Invalid => Problem(StatusCodes.Status400BadRequest, "Invalid request", result.Reason!,
                new Dictionary<string, object?> { ["field"] = result.Field }),
            _ => UnknownMart(name),
        };
    }

    /// <summary>
    /// Reads an optional JSON body (none, or an empty one, is null). Too large → 413; not JSON → 400 saying where it breaks.
    /// </summary>
    internal static async Task<(System.Text.Json.JsonElement? Body, IResult? Error)> ReadJsonBodyAsync(
        HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > 0 && request.ContentLength > maxBytes)
        {
            return (null, Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body may be at most {maxBytes} bytes."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                return (null, Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body may be at most {maxBytes} bytes."));
            }
        }

        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return (null, null);
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(buffer.ToArray());
            return (document.RootElement.Clone(), null);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid JSON",
                $"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}).",
                new Dictionary<string, object?> { ["field"] = "(body)" }));
        }
    }

    /// <summary>A 400 naming the request field that is wrong and what was expected.</summary>
    internal static IResult InvalidField(string field, string expected) =>
        Problem(StatusCodes.Status400BadRequest, "Invalid request", $"{field}: expected {expected}.",
            new Dictionary<string, object?> { ["field"] = field });

    private static async Task<IResult> GetRunAsync(string runId, IRunQueries ledger, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(runId, out var id))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown run", $"'{runId}' is not a run id (a GUID such as 3f2b…).");
        }

        var run = await ledger.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return run is null
            ? Problem(StatusCodes.Status404NotFound, "Unknown run", $"No run has the id {id:D}.")
            : Results.Json(run.Redacted(), RunJson.Options);
    }

    private static async Task<IResult> ListRunsAsync(
        [Description("Only runs of this mart (case-sensitive).")] string? mart,
        [Description("Only runs in this status, any case: Submitting, Running, Cancelling, Succeeded, Failed, Cancelled, TimedOut, Lost, Skipped.")] string? status,
        [Description("How many runs, 1 to 1000 (default 50).")] string? limit,
        IRunQueries ledger,
        CancellationToken cancellationToken)
    {
        if (!RunStatusFilter.TryParse(status, out var statusFilter, out var statusError))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid status", statusError);
        }

        var count = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid limit",
                $"limit='{limit}' is not a whole number from 1 to {MaxLimit} (default {DefaultLimit}).");
        }

        var runs = await ledger.ListAsync(string.IsNullOrWhiteSpace(mart) ? null : mart, statusFilter, count, cancellationToken).ConfigureAwait(false);
        return Results.Json(runs.Select(r => r.Redacted()).ToList(), RunJson.Options);
    }

    private static async Task<IResult> CancelAsync(string runId, IRunTrigger runs, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(runId, out var id))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown run", $"'{runId}' is not a run id (a GUID).");
        }

        var result = await runs.CancelAsync(id, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            CancelOutcome.Requested => Results.Json(result.Run.Redacted(), RunJson.Options, statusCode: StatusCodes.Status202Accepted)
                .WithLocation(RunLocation(id)),
            CancelOutcome.NotActive => Problem(StatusCodes.Status409Conflict, "The run is not active",
                $"Run {id:D} has already ended ({result.Run?.Status}); only active runs (Queued, Submitting, Running) can be cancelled.",
                new Dictionary<string, object?> { ["status"] = result.Run?.Status.ToString() }),
            _ => Problem(StatusCodes.Status404NotFound, "Unknown run", $"No run has the id {id:D}."),
        };
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    private static LocatedResult WithLocation(this IResult result, string location) => new LocatedResult(result, location);

    /// <summary>Adds a Location header to another result.</summary>
    private sealed class LocatedResult(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
