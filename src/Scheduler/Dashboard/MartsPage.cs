using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Scheduler.Api;
using Scheduler.Marts;
using Scheduler.Marts.Live;
using Scheduler.Marts.Pausing;
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
    public sealed record Model(IReadOnlyList<MartSummary> Marts, PauseInfo? GlobalPause, IReadOnlyList<ConfigurationProblem> GlobalProblems, DateTimeOffset Now);

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
            <a href="{E(Url.To("/marts/runs"))}">All runs</a></p>
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
                <br><small class="text-muted">{E(last.Trigger == RunTrigger.Cron ? "cron" : "manual")}, {E(Duration(RunDuration(last, model.Now)))}</small>
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
            <tr data-mart="{E(mart.Name)}" data-status="{E(mart.Status.ToString().ToLowerInvariant())}" data-paused="{(mart.Paused ? "true" : "false")}" class="{(mart.Status == MartStatus.Invalid ? "danger" : mart.Status == MartStatus.Stale ? "warning" : "")}">
            <td><strong>{E(mart.Name)}</strong>{labels}<br><small class="text-muted">{E(mart.SqlFile ?? "")}{(mart.Source.StartsWith("Marts:", StringComparison.Ordinal) ? "" : " · " + E(mart.Source))}</small>{pausedNote}</td>
            <td>{E(mart.Schedule)}{cron}</td>
            <td>{E(mart.TimeZone ?? "–")}</td>
            <td>{nextCell}</td>
            <td>{lastCell}</td>
            <td class="text-right" style="white-space:nowrap"><button type="button" class="btn btn-sm btn-primary run-now"{runDisabled}data-scheduler-command="{E(Url.To($"/marts/{name}/run"))}">Run now</button> <a class="btn btn-sm btn-default backfill-mart" href="{E(Url.To($"/marts/{name}/backfills"))}">Backfill</a> {pauseButton}</td>
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
