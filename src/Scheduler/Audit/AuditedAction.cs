namespace Scheduler.Audit;

/// <summary>What a state-changing request asks, named the same from the API, our dashboard pages and Hangfire's.</summary>
/// <param name="Action">The action, e.g. <c>run.start</c>.</param>
/// <param name="Target">What it is asked of, e.g. <c>mart/daily</c>; null when global.</param>
/// <param name="Mart">The mart concerned, when one is.</param>
/// <param name="Via">Where it came from: <c>api</c>, <c>dashboard</c> (our pages), <c>hangfire</c> (Hangfire's own pages).</param>
internal sealed record AuditedAction(string Action, string? Target, string? Mart, string Via)
{
    /// <summary>
    /// The action of a request, or null when the request changes nothing (a GET, or the dashboard's statistics poll,
    /// which Hangfire sends as a POST).
    /// </summary>
    public static AuditedAction? Of(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return null;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return null;
        }

        return segments[0].ToUpperInvariant() switch
        {
            "API" => Api(segments[1..]),
            "HANGFIRE" when segments.Length > 1 && segments[1].Equals("marts", StringComparison.OrdinalIgnoreCase) => Dashboard(segments[2..]),
            "HANGFIRE" when segments.Length > 1 && !segments[1].Equals("stats", StringComparison.OrdinalIgnoreCase) => Hangfire(segments[1..]),
            _ => null,
        };
    }

    private static AuditedAction Api(string[] s) => s switch
    {
        ["marts", var mart, "runs"] => new("run.start", $"mart/{mart}", mart, "api"),
        ["marts", var mart, "pause"] => new("mart.pause", $"mart/{mart}", mart, "api"),
        ["marts", var mart, "resume"] => new("mart.resume", $"mart/{mart}", mart, "api"),
        ["marts", var mart, "backfills"] => new("backfill.start", $"mart/{mart}", mart, "api"),
        ["marts", var mart, "check"] => new("mart.check", $"mart/{mart}", mart, "api"),
        ["pause"] => new("pause.all", null, null, "api"),
        ["resume"] => new("resume.all", null, null, "api"),
        ["runs", var run, "cancel"] => new("run.cancel", $"run/{run}", null, "api"),
        ["backfills", var backfill, "cancel"] => new("backfill.cancel", $"backfill/{backfill}", null, "api"),
        _ => new("api." + string.Join('.', s.Where(p => !IsId(p))), string.Join('/', s.Where(IsId)) is { Length: > 0 } id ? id : null, null, "api"),
    };

    private static AuditedAction Dashboard(string[] s) => s switch
    {
        ["runs", var run, "cancel"] => new("run.cancel", $"run/{run}", null, "dashboard"),
        ["backfills", var backfill, "cancel"] => new("backfill.cancel", $"backfill/{backfill}", null, "dashboard"),
        ["_all", "pause"] => new("pause.all", null, null, "dashboard"),
        ["_all", "resume"] => new("resume.all", null, null, "dashboard"),
        [var mart, "run"] => new("run.start", $"mart/{mart}", mart, "dashboard"),
        [var mart, "run-downstream"] => new("run.start", $"mart/{mart}", mart, "dashboard"),
        [var mart, "pause"] => new("mart.pause", $"mart/{mart}", mart, "dashboard"),
        [var mart, "resume"] => new("mart.resume", $"mart/{mart}", mart, "dashboard"),
        [var mart, "backfills", "start"] => new("backfill.start", $"mart/{mart}", mart, "dashboard"),
        _ => new("dashboard.marts." + string.Join('.', s.Where(p => !IsId(p))), null, null, "dashboard"),
    };

    // Hangfire's own buttons: /jobs/actions/requeue/{id}, /recurring/trigger (ids in the form), /jobs/failed/delete…
    private static AuditedAction Hangfire(string[] s) =>
        new("hangfire." + string.Join('.', s.Where(p => !IsId(p))),
            string.Join('/', s.Where(IsId)) is { Length: > 0 } id ? $"job/{id}" : null, null, "hangfire");

    private static bool IsId(string segment) => Guid.TryParse(segment, out _) || segment.All(char.IsAsciiDigit);
}
