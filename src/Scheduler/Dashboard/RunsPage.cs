using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Scheduler.Pausing;
using Scheduler.Runs;
using static Scheduler.Dashboard.DashboardHtml;

namespace Scheduler.Dashboard;

/// <summary><c>/hangfire/marts/runs?mart=&amp;status=</c>: recent runs, newest first, filtered by mart and status.</summary>
internal sealed class RunsPage(RunsPage.Model model) : RazorPage
{
    /// <summary>How many runs the page lists.</summary>
    public const int Limit = 100;

    public sealed record Model(IReadOnlyList<string> MartNames, string? Mart, RunStatus? Status, IReadOnlyList<RunSummary> Runs, DateTimeOffset Now)
    {
        public Scheduler.Pausing.PauseInfo? GlobalPause { get; init; }

        /// <summary>Each mart's time zone, to show logical dates as the mart sees them.</summary>
        public IReadOnlyDictionary<string, TimeZoneInfo> Zones { get; init; } = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
    }

    public override void Execute()
    {
        Layout = new LayoutPage("Runs");
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <div class="row"><div class="col-md-12">
            <ol class="breadcrumb"><li><a href="{E(Url.To("/marts"))}">Marts</a></li><li class="active">Runs</li></ol>
            <h1 class="page-header">Runs</h1>
            {PauseBanner(model.GlobalPause, null)}
            <form class="form-inline runs-filter" method="get" action="{E(Url.To("/marts/runs"))}" style="margin-bottom:1em">
            <label>Mart <select name="mart" class="form-control input-sm"><option value="">all</option>
            """);
        foreach (var name in model.MartNames)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<option value="{E(name)}"{(name == model.Mart ? " selected" : "")}>{E(name)}</option>""");
        }

        html.Append("""</select></label> <label>Status <select name="status" class="form-control input-sm"><option value="">all</option>""");
        foreach (var status in Enum.GetValues<RunStatus>())
        {
            html.Append(CultureInfo.InvariantCulture, $"""<option value="{status}"{(status == model.Status ? " selected" : "")}>{status}</option>""");
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            </select></label> <button type="submit" class="btn btn-sm btn-default">Filter</button></form>
            <p class="text-muted">The newest {Limit} matching runs.</p>
            """);
        if (model.Runs.Count == 0)
        {
            html.Append("""<div class="alert alert-info">No run matches.</div>""");
        }
        else
        {
            html.Append("""
                <div class="table-responsive"><table class="table table-hover runs">
                <thead><tr><th>Run</th><th>Mart</th><th>Logical date</th><th>Status</th><th>Trigger</th><th>Created</th><th>Duration</th><th>Error</th></tr></thead><tbody>
                """);
            foreach (var run in model.Runs)
            {
                var error = run.Error is null ? "" : run.Error.Split('\n', 2)[0];
                if (error.Length > 120)
                {
                    error = error[..120] + "…";
                }

                html.Append(CultureInfo.InvariantCulture, $"""
                    <tr data-run="{run.RunId:D}"><td><a href="{E(Url.To($"/marts/runs/{run.RunId:D}"))}"><code>{E(run.RunId.ToString("D")[..8])}</code></a></td>
                    <td>{E(run.Mart)}</td><td>{LogicalDateHtml(run.LogicalDate, model.Zones.GetValueOrDefault(run.Mart))}</td><td>{StatusLabel(run.Status)}{(run.RetryAt is null ? "" : " <small class=\"text-muted retry-due\">retry due</small>")}</td><td class="run-trigger">{E(TriggerText(run))}</td>
                    <td>{E(Utc(run.CreatedAt))}</td><td>{E(Duration(RunDuration(run, model.Now)))}</td><td><small>{E(error)}</small></td></tr>
                    """);
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</div></div>");
        WriteLiteral(html.ToString());
    }
}
