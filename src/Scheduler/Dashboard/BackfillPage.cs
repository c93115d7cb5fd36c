using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Scheduler.Backfills;
using Scheduler.Marts;
using Scheduler.Runs;
using static Scheduler.Dashboard.DashboardHtml;

namespace Scheduler.Dashboard;

/// <summary>
/// <c>/hangfire/marts/backfills/{id}</c>: a backfill's progress: totals, every planned date with its state, run and
/// run status, and Cancel while it runs (no new run starts; started runs go on). Refreshes itself while running.
/// </summary>
internal sealed class BackfillPage(BackfillPage.Model model) : RazorPage
{
    public sealed record Model(BackfillProgress Progress, MartDefinition? Mart);

    public static string StatusLabel(BackfillStatus status)
    {
        var kind = status switch
        {
            BackfillStatus.Running => "info",
            BackfillStatus.Completed => "success",
            _ => "default",
        };
        return $"""<span class="label label-{kind} backfill-status" data-status="{status}">{status}</span>""";
    }

    public override void Execute()
    {
        var backfill = model.Progress.Backfill;
        var totals = model.Progress.Totals;
        var zone = model.Mart?.TimeZone ?? TimeZoneInfo.Utc;
        Layout = new LayoutPage($"Backfill {backfill.BackfillId:D}");
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <div class="row"><div class="col-md-12">
            <ol class="breadcrumb"><li><a href="{E(Url.To("/marts"))}">Marts</a></li>
            <li><a href="{E(Url.To($"/marts/{Uri.EscapeDataString(backfill.Mart)}/backfills"))}">{E(backfill.Mart)}: backfills</a></li>
            <li class="active">{E(backfill.BackfillId.ToString("D"))}</li></ol>
            <h1 class="page-header">{E(backfill.Mart)} <small>{E(backfill.Kind == BackfillKind.CatchUp ? "catch-up" : "backfill")} {E(backfill.BackfillId.ToString("D"))}</small></h1>
            {CommandScript}
            <p class="lead">{StatusLabel(backfill.Status)} <small class="text-muted backfill-totals">{totals.Finished.ToString(CultureInfo.InvariantCulture)} of {(totals.Planned - totals.Excluded).ToString(CultureInfo.InvariantCulture)} dates done
            ({totals.Succeeded.ToString(CultureInfo.InvariantCulture)} succeeded, {totals.NotSucceeded.ToString(CultureInfo.InvariantCulture)} not), {totals.Started.ToString(CultureInfo.InvariantCulture)} running,
            {totals.Pending.ToString(CultureInfo.InvariantCulture)} pending, {totals.Excluded.ToString(CultureInfo.InvariantCulture)} excluded, {totals.Cancelled.ToString(CultureInfo.InvariantCulture)} cancelled</small></p>
            <p>{E(InZone(backfill.From, zone))} – {E(InZone(backfill.To, zone))} · at most {backfill.MaxConcurrent.ToString(CultureInfo.InvariantCulture)} at once · rerun {E(backfill.Rerun.ToString().ToLowerInvariant())}{(backfill.Downstream ? " · downstream" : "")} · created {E(Utc(backfill.CreatedAt))}{(backfill.CreatedBy is null ? "" : " by " + E(backfill.CreatedBy))}</p>
            """);
        if (backfill.Status == BackfillStatus.Running)
        {
            var disabled = IsReadOnly ? """ disabled="disabled" title="Cancel needs the Admin role" """ : " ";
            html.Append(CultureInfo.InvariantCulture, $"""
                <p><button type="button" class="btn btn-danger cancel-backfill"{disabled}data-confirm="Cancel this backfill? No new run starts; runs already started go on."
                data-scheduler-command="{E(Url.To($"/marts/backfills/{backfill.BackfillId:D}/cancel"))}">Cancel backfill</button></p>
                """);
            html.Append(RefreshScript);
        }
        else if (backfill.CancelledAt is { } cancelledAt)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<div class="alert alert-warning">Cancelled {E(Utc(cancelledAt))}{(backfill.CancelledBy is null ? "" : " by " + E(backfill.CancelledBy))}: no new run started after that; runs already started went on.</div>""");
        }

        html.Append("""<table class="table table-condensed backfill-dates"><thead><tr><th>Logical date</th><th>State</th><th>Run</th><th>Note</th></tr></thead><tbody>""");
        foreach (var date in model.Progress.Dates)
        {
            var run = date.RunId is { } runId
                ? $"""{(date.RunStatus is { } status ? DashboardHtml.StatusLabel(status) : "")} <a href="{E(Url.To($"/marts/runs/{runId:D}"))}">{E(runId.ToString("D")[..8])}</a>"""
                : "";
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-state="{date.State}"><td>{E(InZone(date.LogicalDate, zone))}<br><small class="text-muted">{E(Utc(date.LogicalDate))}</small></td>
                <td><span class="backfill-date-state">{date.State}</span></td><td>{run}</td><td><small>{E(date.Note)}</small></td></tr>
                """);
        }

        html.Append("</tbody></table></div></div>");
        WriteLiteral(html.ToString());
    }
}
