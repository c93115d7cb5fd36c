using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Scheduler.Backfills;
using Scheduler.Marts;
using static Scheduler.Dashboard.DashboardHtml;

namespace Scheduler.Dashboard;

/// <summary>
/// <c>/hangfire/marts/{name}/backfills</c>: the Backfill form of a mart (from, to, maxConcurrent, rerun, downstream)
/// and the mart's backfills, newest first, each linking to its progress page.
/// </summary>
internal sealed class BackfillsPage(BackfillsPage.Model model) : RazorPage
{
    public sealed record Model(MartDefinition Mart, IReadOnlyList<Backfill> Backfills);

    public override void Execute()
    {
        var mart = model.Mart;
        Layout = new LayoutPage($"Backfills of {mart.Name}");
        var name = Uri.EscapeDataString(mart.Name);
        var disabled = IsReadOnly ? """ disabled="disabled" title="Backfills need the Admin role" """ : " ";
        var dates = mart.Cron is null
            ? "The mart has no schedule: one logical date a day (local midnight)."
            : $"The logical dates are the fire times of {mart.Cron} in {mart.TimeZone.Id} within the range.";
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <div class="row"><div class="col-md-12">
            <ol class="breadcrumb"><li><a href="{E(Url.To("/marts"))}">Marts</a></li><li class="active">{E(mart.Name)}: backfills</li></ol>
            <h1 class="page-header">Backfill {E(mart.Name)}</h1>
            {CommandScript}{BackfillFormScript}
            <p class="text-muted">{E(dates)} Dates are read in the mart's zone: 2026-11-01 (that day; as the end, the whole day),
            2026-11-01T02:30 or 2026-11-01T02:30:00Z. At most {BackfillService.MaxDates.ToString("N0", CultureInfo.InvariantCulture)} dates per backfill.</p>
            <form class="form-inline backfill-form" data-scheduler-form="{E(Url.To($"/marts/{name}/backfills/start"))}">
            <div class="form-group"><label for="backfill-from">From</label> <input class="form-control" id="backfill-from" name="from" required placeholder="2026-11-01"></div>
            <div class="form-group"><label for="backfill-to">To</label> <input class="form-control" id="backfill-to" name="to" required placeholder="2026-11-30"></div>
            <div class="form-group"><label for="backfill-max">Max concurrent</label> <input class="form-control" id="backfill-max" name="maxConcurrent" type="number" min="1" max="{mart.MaxActiveRuns.ToString(CultureInfo.InvariantCulture)}" value="1" style="width:6em"></div>
            <div class="form-group"><label for="backfill-rerun">Rerun</label> <select class="form-control" id="backfill-rerun" name="rerun">
            <option value="missing" selected>missing: dates with no run</option><option value="failed">failed: also dates whose latest run did not succeed</option><option value="all">all dates</option></select></div>
            <div class="checkbox"><label><input type="checkbox" name="downstream" value="true"> downstream</label></div>
            <button type="submit" class="btn btn-primary backfill-submit"{disabled}>Start backfill</button>
            </form>
            <h3>Backfills</h3>
            """);
        if (model.Backfills.Count == 0)
        {
            html.Append("""<p class="text-muted no-backfills">No backfill yet.</p>""");
        }
        else
        {
            html.Append("""<table class="table table-condensed backfills"><thead><tr><th>Created</th><th>Kind</th><th>Range</th><th>Rerun</th><th>Status</th><th></th></tr></thead><tbody>""");
            foreach (var backfill in model.Backfills)
            {
                html.Append(CultureInfo.InvariantCulture, $"""
                    <tr data-backfill="{backfill.BackfillId:D}"><td>{E(Utc(backfill.CreatedAt))}{(backfill.CreatedBy is null ? "" : " by " + E(backfill.CreatedBy))}</td>
                    <td>{E(backfill.Kind == BackfillKind.CatchUp ? "catch-up" : "backfill")}</td>
                    <td>{E(InZone(backfill.From, mart.TimeZone))} – {E(InZone(backfill.To, mart.TimeZone))}</td><td>{E(backfill.Rerun.ToString().ToLowerInvariant())}</td>
                    <td>{BackfillPage.StatusLabel(backfill.Status)}</td><td><a href="{E(Url.To($"/marts/backfills/{backfill.BackfillId:D}"))}">progress</a></td></tr>
                    """);
            }

            html.Append("</tbody></table>");
        }

        html.Append("</div></div>");
        WriteLiteral(html.ToString());
    }
}
