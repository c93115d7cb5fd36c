using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Scheduler.Api;
using Scheduler.Backfills;
using Scheduler.Configuration;
using Scheduler.Marts;
using Scheduler.Marts.Live;
using Scheduler.Pausing;
using Scheduler.Runs;
using static Scheduler.Dashboard.DashboardHtml;

namespace Scheduler.Dashboard;

/// <summary>
/// <c>/hangfire/marts</c>: every mart with its schedule (in words and cron), time zone, next fire time in the mart's
/// zone and in UTC, last run (status, duration, link), Run now and Pause/Resume buttons (disabled for read-only users);
/// a broken definition with its problems (stale: the last valid version stays in force; invalid: never valid); the
/// global pause banner, or a Pause all button.
/// </summary>
internal sealed class MartsPage(MartsPage.Model model) : RazorPage
{
    public sealed record Model(IReadOnlyList<MartSummary> Marts, PauseInfo? GlobalPause, IReadOnlyList<ConfigurationProblem> GlobalProblems, DateTimeOffset Now)
    {
        /// <summary>The marts' definitions by name (for the Run now form: time zone and parameter defaults).</summary>
        public IReadOnlyDictionary<string, MartDefinition> Definitions { get; init; } = new Dictionary<string, MartDefinition>(StringComparer.Ordinal);
    }

    public override void Execute()
    {
        Layout = new LayoutPage("Marts");
        var html = new StringBuilder();
        var pauseAll = model.GlobalPause is null
            ? $"""<button type="button" class="btn btn-sm btn-warning pause-all pull-right"{Disabled("Pausing needs the Admin role")}data-confirm="Pause everything? No new run of any mart starts until you resume; runs in Redshift continue." data-scheduler-command="{E(Url.To("/marts/_all/pause"))}">Pause all</button>"""
            : "";
        html.Append(CultureInfo.InvariantCulture, $"""
            <div class="row"><div class="col-md-12">
            <h1 class="page-header">Marts {pauseAll}</h1>
            {PauseBanner(model.GlobalPause, Url.To("/marts/_all/resume"), IsReadOnly)}
            <p class="text-muted">Each mart is one SQL file run as a single Redshift batch. Definitions and SQL are reloaded
            while the service runs. A paused mart starts no scheduled run; Run now still works.
            <a href="{E(Url.To("/marts/runs"))}">All runs</a> · <a class="graph-link" href="{E(Url.To("/marts/graph"))}">Dependency graph</a></p>
            {CommandScript}
            """);
        foreach (var problem in model.GlobalProblems)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<div class="alert alert-danger global-problem">Not reloaded, the marts below stay as they were: {E(problem.ToString())}</div>""");
        }

        if (model.Marts.Count == 0)
        {
            html.Append("""<div class="alert alert-info">No mart is configured (Marts:&lt;name&gt;:SqlFile, or a &lt;name&gt;.mart.json under Sql:Root).</div>""");
        }
        else
        {
            html.Append("""
                <div class="table-responsive"><table class="table table-hover marts">
                <thead><tr><th>Mart</th><th>Schedule</th><th>Time zone</th><th>Next run</th><th>Last run</th><th></th></tr></thead><tbody>
                """);
            foreach (var mart in model.Marts)
            {
                AppendMart(html, mart);
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</div></div>");
        WriteLiteral(html.ToString());
    }

    /// <summary>The mart's upstreams and dependants, linked to their rows.</summary>
    private static string DependencyNote(MartSummary mart)
    {
        static string Links(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"""<a href="#mart-{E(n)}">{E(n)}</a>"""));
        var note = new StringBuilder();
        if (mart.DependsOn.Count > 0)
        {
            note.Append(CultureInfo.InvariantCulture, $"""<br><small class="mart-upstreams">after: {Links(mart.DependsOn)}</small>""");
        }

        if (mart.Dependants.Count > 0)
        {
            note.Append(CultureInfo.InvariantCulture, $"""<br><small class="mart-dependants">before: {Links(mart.Dependants)}</small>""");
        }

        return note.ToString();
    }

    /// <summary>"Run with downstream" (a manual run whose success starts the dependants), for a mart that has dependants.</summary>
    private string RunWithDownstreamButton(MartSummary mart, string runDisabled) => mart.Dependants.Count == 0
        ? ""
        : $"""<button type="button" class="btn btn-sm btn-default run-downstream"{runDisabled}data-scheduler-command="{E(Url.To($"/marts/{Uri.EscapeDataString(mart.Name)}/run-downstream"))}" title="Run now; when it succeeds, {E(string.Join(", ", mart.Dependants))} run for the same date">Run with downstream</button> """;

    /// <summary>
    /// Run now with a logical date (now, in the mart's zone, prefilled), the mart's parameters (its defaults prefilled;
    /// a credential-like one left empty) and the downstream flag; posted with the Run now command.
    /// </summary>
    private string RunForm(MartSummary mart, bool canRun)
    {
        if (!canRun || !model.Definitions.TryGetValue(mart.Name, out var definition))
        {
            return "";
        }

        var zone = definition.TimeZone;
        var now = TimeZoneInfo.ConvertTime(model.Now, zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <details class="run-with" style="text-align:left;white-space:normal;margin-top:.4em"><summary class="text-primary">Run for a date…</summary>
            <form class="run-form" data-scheduler-form="run" data-mart="{E(mart.Name)}" style="margin-top:.5em;max-width:24em">
            <div class="form-group"><label for="run-date-{E(mart.Name)}">Logical date</label>
            <input type="text" class="form-control input-sm" id="run-date-{E(mart.Name)}" name="logicalDate" value="{E(now)}">
            <small class="help-block">Local time in {E(zone.Id)} (2026-12-01T02:30), a date (its first fire time that day) or UTC (2026-12-01T02:30:00Z).</small></div>
            """);
        foreach (var (parameter, value) in definition.Parameters)
        {
            var secret = RunRedaction.LooksSecret(parameter);
            html.Append(CultureInfo.InvariantCulture, $"""
                <div class="form-group"><label for="run-param-{E(mart.Name)}-{E(parameter)}">:{E(parameter)}</label>
                <input type="text" class="form-control input-sm run-parameter" id="run-param-{E(mart.Name)}-{E(parameter)}" name="parameters.{E(parameter)}" value="{(secret ? "" : E(value))}"{(secret ? " placeholder=\"(hidden: the default is used when empty)\"" : "")}></div>
                """);
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            <div class="checkbox"><label><input type="checkbox" name="downstream" value="true"> Downstream: start the marts that depend on this one when it succeeds</label></div>
            <small class="help-block">An empty parameter uses the mart's default.</small>
            <button type="button" class="btn btn-sm btn-primary run-with-submit" data-scheduler-command="{E(Url.To($"/marts/{Uri.EscapeDataString(mart.Name)}/run"))}">Run</button>
            </form></details>
            """);
        return html.ToString();
    }

    private string Disabled(string why) => IsReadOnly ? $""" disabled="disabled" title="{E(why)}" """ : " ";

    private void AppendMart(StringBuilder html, MartSummary mart)
    {
        var zone = mart.TimeZone is null ? null : TimeZoneInfo.FindSystemTimeZoneById(mart.TimeZone);
        var nextCell = mart.NextFireAt is { } n && zone is not null
            ? $"""{E(InZone(n, zone))}<br><small class="text-muted">{E(Utc(n))}</small>"""
            : mart.Paused && mart.Cron is not null ? """<span class="text-muted">paused</span>""" : """<span class="text-muted">–</span>""";
        var cron = mart.Cron is null ? "" : $"""<br><code>{E(mart.Cron)}</code>""";
        var lastCell = """<span class="text-muted">never run</span>""";
        if (mart.LastRun is { } last)
        {
            var runUrl = Url.To($"/marts/runs/{last.RunId:D}");
            lastCell = $"""
                {StatusLabel(last.Status)} <a href="{E(runUrl)}" class="last-run">{E(Utc(last.CreatedAt))}</a>
                <br><small class="text-muted">{E(TriggerText(last))}, {E(Duration(RunDuration(last, model.Now)))}</small>
                """;
        }

        var labels = new StringBuilder();
        if (!mart.Enabled && mart.Status != MartStatus.Invalid)
        {
            labels.Append(""" <span class="label label-default">disabled</span>""");
        }

        if (mart.Paused)
        {
            labels.Append(""" <span class="label label-warning mart-paused">paused</span>""");
        }

        labels.Append(mart.Status switch
        {
            MartStatus.Stale => """ <span class="label label-warning mart-stale" title="The definition is broken; the last valid version stays in force">stale</span>""",
            MartStatus.Invalid => """ <span class="label label-danger mart-invalid" title="The definition has never been valid: not scheduled, cannot run">invalid</span>""",
            _ => "",
        });

        var name = Uri.EscapeDataString(mart.Name);
        var canRun = mart.Status != MartStatus.Invalid && mart.Enabled;
        var runDisabled = IsReadOnly
            ? """ disabled="disabled" title="Run now needs the Admin role" """
            : canRun ? " " : $""" disabled="disabled" title="{(mart.Enabled ? "The definition has problems" : "The mart is disabled")}" """;
        var pauseButton = mart.Paused
            ? $"""<button type="button" class="btn btn-sm btn-success resume-mart"{Disabled("Resuming needs the Admin role")}data-scheduler-command="{E(Url.To($"/marts/{name}/resume"))}">Resume</button>"""
            : $"""<button type="button" class="btn btn-sm btn-default pause-mart"{Disabled("Pausing needs the Admin role")}data-scheduler-command="{E(Url.To($"/marts/{name}/pause"))}">Pause</button>""";
        var pausedNote = mart.Paused
            ? $"""<br><small class="text-warning paused-note">Paused{(mart.PausedAt is { } at ? " since " + E(Utc(at)) : "")}{(mart.PausedBy is null ? "" : " by " + E(mart.PausedBy))}: no scheduled run starts; Run now still works.</small>"""
            : "";
        html.Append(CultureInfo.InvariantCulture, $"""
            <tr id="mart-{E(mart.Name)}" data-mart="{E(mart.Name)}" data-status="{E(mart.Status.ToString().ToLowerInvariant())}" data-paused="{(mart.Paused ? "true" : "false")}" class="{(mart.Status == MartStatus.Invalid ? "danger" : mart.Status == MartStatus.Stale ? "warning" : "")}">
            <td><strong>{E(mart.Name)}</strong>{labels}<br><small class="text-muted">{E(mart.SqlFile ?? "")}{(mart.Source.StartsWith("Marts:", StringComparison.Ordinal) ? "" : " · " + E(mart.Source))}</small>{pausedNote}{DependencyNote(mart)}</td>
            <td>{E(mart.Schedule)}{cron}</td>
            <td>{E(mart.TimeZone ?? "–")}</td>
            <td>{nextCell}</td>
            <td>{lastCell}</td>
            <td class="text-right" style="white-space:nowrap"><button type="button" class="btn btn-sm btn-primary run-now"{runDisabled}data-scheduler-command="{E(Url.To($"/marts/{name}/run"))}">Run now</button> <a class="btn btn-sm btn-default backfill-mart" href="{E(Url.To($"/marts/{name}/backfills"))}">Backfill</a> {RunWithDownstreamButton(mart, runDisabled)}{pauseButton}{RunForm(mart, canRun && !IsReadOnly)}</td>
            </tr>
            """);
        if (mart.Problems.Count > 0)
        {
            var intro = mart.Status == MartStatus.Stale
                ? "The definition is broken; the last valid version stays in force until it is fixed:"
                : "The definition has problems; the mart is not scheduled and cannot run until they are fixed:";
            html.Append(CultureInfo.InvariantCulture, $"""<tr class="mart-problems {(mart.Status == MartStatus.Stale ? "warning" : "danger")}" data-mart-problems="{E(mart.Name)}"><td colspan="6"><small>{E(intro)}</small><ul class="problems" style="margin-bottom:0">""");
            foreach (var problem in mart.Problems)
            {
                html.Append(CultureInfo.InvariantCulture, $"""<li class="problem"><code>{E(problem.Message)}</code></li>""");
            }

            html.Append("</ul></td></tr>");
        }
    }
}
