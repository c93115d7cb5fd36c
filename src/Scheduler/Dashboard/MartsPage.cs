using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Scheduler.Api;
using Scheduler.Marts;
using Scheduler.Runs;
using static Scheduler.Dashboard.DashboardHtml;

namespace Scheduler.Dashboard;

/// <summary>
/// <c>/hangfire/marts</c>: every mart with its schedule (in words and cron), time zone, next fire time in the mart's
/// zone and in UTC, last run (status, duration, link) and a Run now button (disabled for read-only users).
/// </summary>
internal sealed class MartsPage(MartsPage.Model model) : RazorPage
{
    public sealed record Model(IReadOnlyList<MartDefinition> Marts, IReadOnlyDictionary<string, RunSummary> LastRuns, DateTimeOffset Now);

    public override void Execute()
    {
        Layout = new LayoutPage("Marts");
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <div class="row"><div class="col-md-12">
            <h1 class="page-header">Marts</h1>
            <p class="text-muted">Each mart is one SQL file run as a single Redshift batch.
            <a href="{E(Url.To("/marts/runs"))}">All runs</a></p>
            {CommandScript}
            """);
        if (model.Marts.Count == 0)
        {
            html.Append("""<div class="alert alert-info">No mart is configured (Marts:&lt;name&gt;:SqlFile).</div>""");
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

    private void AppendMart(StringBuilder html, MartDefinition mart)
    {
        var next = MartSchedule.NextFireAt(mart, model.Now);
        var nextCell = next is { } n
            ? $"""{E(InZone(n, mart.TimeZone))}<br><small class="text-muted">{E(Utc(n))}</small>"""
            : """<span class="text-muted">–</span>""";
        var cron = mart.Cron is null ? "" : $"""<br><code>{E(mart.Cron)}</code>""";
        var lastCell = """<span class="text-muted">never run</span>""";
        if (model.LastRuns.TryGetValue(mart.Name, out var last))
        {
            var runUrl = Url.To($"/marts/runs/{last.RunId:D}");
            lastCell = $"""
                {StatusLabel(last.Status)} <a href="{E(runUrl)}" class="last-run">{E(Utc(last.CreatedAt))}</a>
                <br><small class="text-muted">{E(last.Trigger == RunTrigger.Cron ? "cron" : "manual")}, {E(Duration(RunDuration(last, model.Now)))}</small>
                """;
        }

        var disabled = IsReadOnly ? """ disabled="disabled" title="Run now needs the Admin role" """ : " ";
        html.Append(CultureInfo.InvariantCulture, $"""
            <tr data-mart="{E(mart.Name)}">
            <td><strong>{E(mart.Name)}</strong><br><small class="text-muted">{E(mart.SqlFile)}</small>{(mart.Enabled ? "" : """ <span class="label label-default">disabled</span>""")}</td>
            <td>{E(MartSchedule.Describe(mart))}{cron}</td>
            <td>{E(mart.TimeZone.Id)}</td>
            <td>{nextCell}</td>
            <td>{lastCell}</td>
            <td class="text-right"><button type="button" class="btn btn-sm btn-primary run-now"{disabled}data-scheduler-command="{E(Url.To($"/marts/{Uri.EscapeDataString(mart.Name)}/run"))}">Run now</button></td>
            </tr>
            """);
    }
}
