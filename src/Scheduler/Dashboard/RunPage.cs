using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Scheduler.Backfills;
using Scheduler.Runs;
using static Scheduler.Dashboard.DashboardHtml;

namespace Scheduler.Dashboard;

/// <summary>
/// <c>/hangfire/marts/runs/{runId}</c>: one run — status, a timeline (created, submitted, finished in Redshift,
/// recorded), the statement id and poll count, every sub-statement (SQL folded, status, duration, rows, error) and a
/// Cancel button while the run is active. An active run's page refreshes itself every two seconds.
/// </summary>
internal sealed class RunPage(RunPage.Model model) : RazorPage
{
    public sealed record Model(RunRecord Run, DateTimeOffset Now)
    {
        /// <summary>The runs this one started or skipped (those naming it in their upstream runs).</summary>
        public IReadOnlyList<RunSummary> DownstreamRuns { get; init; } = [];

        /// <summary>The mart's time zone (null when the mart is no longer configured).</summary>
        public TimeZoneInfo? Zone { get; init; }

        /// <summary>The run's retry (the run keyed <c>retry:&lt;id&gt;</c>), once reserved.</summary>
        public RunSummary? Retry { get; init; }
    }

    public override void Execute()
    {
        var run = model.Run;
        Layout = new LayoutPage($"Run {run.RunId:D}");
        var active = !run.Status.IsTerminal();
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <div class="row"><div class="col-md-12">
            <ol class="breadcrumb"><li><a href="{E(Url.To("/marts"))}">Marts</a></li>
            <li><a href="{E(Url.To("/marts/runs") + "?mart=" + Uri.EscapeDataString(run.Mart))}">{E(run.Mart)}</a></li>
            <li class="active">{E(run.RunId.ToString("D"))}</li></ol>
            <h1 class="page-header">{E(run.Mart)} <small>run {E(run.RunId.ToString("D"))}</small></h1>
            {CommandScript}
            <p class="lead">{StatusLabel(run.Status)} <small class="text-muted">{E(StartedBy(run))}, {E(Duration(RunDuration(run, model.Now)))}{(active ? " so far" : "")}</small></p>
            """);
        if (active)
        {
            var disabled = IsReadOnly ? """ disabled="disabled" title="Cancel needs the Admin role" """ : " ";
            html.Append(CultureInfo.InvariantCulture, $"""
                <p><button type="button" class="btn btn-danger cancel-run"{disabled}data-confirm="Cancel this run? Redshift aborts the statement and rolls the batch back."
                data-scheduler-command="{E(Url.To($"/marts/runs/{run.RunId:D}/cancel"))}">Cancel</button></p>
                """);
            html.Append(RefreshScript);
        }

        if (!string.IsNullOrWhiteSpace(run.Error))
        {
            var kind = run.Status is RunStatus.Skipped or RunStatus.Cancelled ? "warning" : "danger";
            html.Append(CultureInfo.InvariantCulture, $"""<div class="alert alert-{kind} run-error"><pre style="white-space:pre-wrap;background:none;border:0;margin:0">{E(run.Error)}</pre></div>""");
        }

        if (!active && !string.IsNullOrWhiteSpace(run.StatusReason))
        {
            html.Append(CultureInfo.InvariantCulture, $"""<p class="text-muted status-reason">{E(run.StatusReason)}</p>""");
        }

        if (run.ActiveRunId is { } activeRun)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<p>The run that was active: <a href="{E(Url.To($"/marts/runs/{activeRun:D}"))}">{E(activeRun.ToString("D"))}</a></p>""");
        }

        AppendDates(html, run);
        AppendTimeline(html, run);
        AppendDetails(html, run);
        AppendStatements(html, run);
        html.Append("</div></div>");
        WriteLiteral(html.ToString());
    }

    private static string StartedBy(RunRecord run) => run.Trigger switch
    {
        RunTrigger.Cron => "started by its schedule",
        RunTrigger.Manual => "started by hand",
        RunTrigger.CatchUp => "started by catch-up (a slot missed while the scheduler was down)",
        RunTrigger.Backfill => "started by a backfill",
        RunTrigger.Retry => string.Create(CultureInfo.InvariantCulture, $"a retry: attempt {run.Attempt}"),
        RunTrigger.Upstream => "started by its upstream marts",
        _ => run.Trigger.ToString(),
    };

    /// <summary>What the run is for (logical date, interval, parameters) and its attempts (the previous one, the retry).</summary>
    private void AppendDates(StringBuilder html, RunRecord run)
    {
        var zone = model.Zone;
        var interval = run.IntervalStart is { } start && run.IntervalEnd is { } end
            ? $"""<span class="interval">{LogicalDateHtml(start, zone)} → {LogicalDateHtml(end, zone)}</span>"""
            : "–";
        html.Append(CultureInfo.InvariantCulture, $"""
            <h3>Run for</h3><dl class="dl-horizontal run-dates">
            <dt>Logical date</dt><dd class="run-logical-date">{LogicalDateHtml(run.LogicalDate, zone)}</dd>
            <dt>Interval</dt><dd class="run-interval">{interval}</dd>
            <dt>Trigger</dt><dd class="run-trigger">{E(TriggerText(run))}{(run.Downstream ? " <small class=\"text-muted\">(starts its downstream marts when it succeeds)</small>" : "")}</dd>
            <dt>Attempt</dt><dd class="run-attempt">{run.Attempt.ToString(CultureInfo.InvariantCulture)}</dd>
            """);
        if (run.RetryOf is { } previous)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<dt>Retry of</dt><dd><a class="retry-of" href="{E(Url.To($"/marts/runs/{previous:D}"))}">{E(previous.ToString("D"))}</a> <small class="text-muted">(attempt {(run.Attempt - 1).ToString(CultureInfo.InvariantCulture)})</small></dd>""");
        }

        if (model.Retry is { } retry)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<dt>Retried by</dt><dd><a class="retried-by" href="{E(Url.To($"/marts/runs/{retry.RunId:D}"))}">{E(retry.RunId.ToString("D"))}</a> {StatusLabel(retry.Status)} <small class="text-muted">(attempt {retry.Attempt.ToString(CultureInfo.InvariantCulture)})</small></dd>""");
        }
        else if (run.RetryAt is { } retryAt)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<dt>Retry</dt><dd class="retry-due">attempt {(run.Attempt + 1).ToString(CultureInfo.InvariantCulture)} due at {E(Utc(retryAt))}</dd>""");
        }

        if (run.BackfillId is { } backfill)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<dt>Backfill</dt><dd><code>{E(backfill.ToString("D"))}</code></dd>""");
        }

        html.Append("</dl>");
        if (run.Parameters.Count > 0)
        {
            html.Append("""<h4>Parameters</h4><table class="table table-condensed run-parameters" style="width:auto"><tbody>""");
            foreach (var (name, value) in run.Parameters)
            {
                html.Append(CultureInfo.InvariantCulture, $"""<tr data-parameter="{E(name)}"><th><code>:{E(name)}</code></th><td class="parameter-value">{E(value)}</td></tr>""");
            }

            html.Append("</tbody></table>");
        }
    }

    private static void AppendTimeline(StringBuilder html, RunRecord run)
    {
        html.Append("""<h3>Timeline</h3><table class="table table-condensed timeline"><tbody>""");
        Step(html, "Created", "The run was reserved in the ledger.", run.CreatedAt, null);
        Step(html, "Submitted", "Redshift accepted the batch (statement id checkpointed).", run.SubmittedAt, run.CreatedAt);
        Step(html, "Finished in Redshift", "Redshift's UpdatedAt at the terminal status.", run.StatementFinishedAt, run.SubmittedAt ?? run.CreatedAt);
        Step(html, "Recorded", "The scheduler recorded the terminal status (the gap is the detection delay).", run.CompletedAt, run.StatementFinishedAt ?? run.SubmittedAt ?? run.CreatedAt);
        html.Append("</tbody></table>");
    }

    private static void Step(StringBuilder html, string name, string help, DateTimeOffset? at, DateTimeOffset? previous)
    {
        var delta = at is { } a && previous is { } p ? "+" + Duration(a - p) : "";
        html.Append(CultureInfo.InvariantCulture, $"""
            <tr class="{(at is null ? "text-muted" : "")}"><th style="width:14em">{E(name)}</th><td style="width:16em">{E(Utc(at))}</td>
            <td style="width:8em">{E(delta)}</td><td><small class="text-muted">{E(help)}</small></td></tr>
            """);
    }

    private void AppendDetails(StringBuilder html, RunRecord run)
    {
        html.Append(CultureInfo.InvariantCulture, $"""
            <h3>Details</h3><dl class="dl-horizontal run-details">
            <dt>Statement id</dt><dd><code class="statement-id">{E(run.StatementId ?? "–")}</code></dd>
            <dt>Statement name</dt><dd><code>{E(run.StatementName)}</code></dd>
            <dt>Polls</dt><dd class="poll-count">{run.PollCount.ToString(CultureInfo.InvariantCulture)}</dd>
            <dt>Deadline</dt><dd>{E(Utc(run.DeadlineAt))}</dd>
            """);
        if (run.CancelReason is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<dt>Cancel</dt><dd>{E(run.CancelReason)} at {E(Utc(run.CancelRequestedAt))}</dd>""");
        }

        if (run.FailedStatementIndex is { } failed)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<dt>Failed statement</dt><dd>{failed.ToString(CultureInfo.InvariantCulture)}</dd>""");
        }

        if (run.UpstreamRunIds.Count > 0)
        {
            html.Append("""<dt>Upstream runs</dt><dd class="upstream-runs">""");
            html.Append(string.Join(", ", run.UpstreamRunIds.Select(id =>
                $"""<a class="upstream-run" href="{E(Url.To($"/marts/runs/{id:D}"))}">{E(id.ToString("D"))}</a>""")));
            html.Append("</dd>");
        }

        if (model.DownstreamRuns.Count > 0)
        {
            html.Append("""<dt>Downstream runs</dt><dd class="downstream-runs">""");
            html.Append(string.Join("<br>", model.DownstreamRuns.Select(r =>
                $"""{StatusLabel(r.Status)} <a class="downstream-run" href="{E(Url.To($"/marts/runs/{r.RunId:D}"))}">{E(r.Mart)}</a> <small class="text-muted">{E(r.RunId.ToString("D"))}</small>""")));
            html.Append("</dd>");
        }

        html.Append("</dl>");
    }

    private static void AppendStatements(StringBuilder html, RunRecord run)
    {
        html.Append(CultureInfo.InvariantCulture, $"""
            <h3>Statements <small>{run.SubStatements.Count.ToString(CultureInfo.InvariantCulture)}</small></h3>
            <div class="table-responsive"><table class="table sub-statements">
            <thead><tr><th>#</th><th>SQL</th><th>Status</th><th>Duration</th><th>Rows</th><th>Error</th></tr></thead><tbody>
            """);
        foreach (var sub in run.SubStatements)
        {
            var failed = sub.Error is not null || sub.Status == "FAILED";
            var lines = sub.Sql.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            var firstLine = lines.FirstOrDefault(l => !l.StartsWith("--", StringComparison.Ordinal)) ?? lines.FirstOrDefault() ?? "";
            if (firstLine.Length > 100)
            {
                firstLine = firstLine[..100] + "…";
            }

            html.Append(CultureInfo.InvariantCulture, $"""
                <tr class="{(failed ? "danger" : "")}" data-index="{sub.Index.ToString(CultureInfo.InvariantCulture)}">
                <td>{sub.Index.ToString(CultureInfo.InvariantCulture)}</td>
                <td><details><summary><code>{E(firstLine)}</code></summary><pre>{E(sub.Sql)}</pre></details></td>
                <td><span class="sub-status">{E(sub.Status)}</span></td>
                <td>{E(sub.DurationMs is { } ms ? Duration(TimeSpan.FromMilliseconds(ms)) : "–")}</td>
                <td>{E(sub.ResultRows?.ToString(CultureInfo.InvariantCulture) ?? "–")}</td>
                <td>{(sub.Error is null ? "" : $"""<strong class="text-danger sub-error">{E(sub.Error)}</strong>""")}</td>
                </tr>
                """);
        }

        html.Append("</tbody></table></div>");
    }
}
