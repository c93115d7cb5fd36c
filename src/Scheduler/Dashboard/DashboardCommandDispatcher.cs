using System.Text.Json;
using Hangfire.Dashboard;

namespace Scheduler.Dashboard;

/// <summary>
/// A dashboard command (Run now, Cancel, Pause, Resume): a route in Hangfire's dashboard, so its authorization filters
/// and antiforgery check run first; read-only users get 403 (<paramref name="readOnlyMessage"/>) and anything but POST
/// 405. Answers a <see cref="CommandOutcome"/> as JSON so the page can say what happened.
/// </summary>
internal sealed class DashboardCommandDispatcher(
    string readOnlyMessage,
    Func<DashboardContext, IServiceProvider, CancellationToken, Task<(int Status, CommandOutcome Outcome)>> command)
    : IDashboardDispatcher
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public async Task Dispatch(DashboardContext context)
    {
        var http = context.GetHttpContext();
        int status;
        CommandOutcome outcome;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            http.Response.Headers.Allow = "POST";
            (status, outcome) = (StatusCodes.Status405MethodNotAllowed, new CommandOutcome("method-not-allowed", "Use POST."));
        }
        else if (context.IsReadOnly)
        {
            (status, outcome) = (StatusCodes.Status403Forbidden, new CommandOutcome("forbidden", readOnlyMessage));
        }
        else
        {
            (status, outcome) = await command(context, http.RequestServices, http.RequestAborted).ConfigureAwait(false);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(outcome, s_json)).ConfigureAwait(false);
    }
}
