using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Scheduler.Api;
using Scheduler.Runs;
using static Scheduler.Dashboard.DashboardHtml;

namespace Scheduler.Dashboard;

/// <summary>
/// <c>/hangfire/marts/graph</c>: the marts and their <c>DependsOn</c> edges as a server-rendered SVG (no script, no
/// CDN): upstreams in the left columns, each mart's box coloured by its latest run's status and linked to that run.
/// </summary>
internal sealed class GraphPage(GraphPage.Model model) : RazorPage
{
    private const int BoxWidth = 230;
    private const int BoxHeight = 50;
    private const int ColumnGap = 80;
    private const int RowGap = 24;
    private const int Margin = 20;

    public sealed record Model(IReadOnlyList<MartSummary> Marts, DateTimeOffset Now);

    public override void Execute()
    {
        Layout = new LayoutPage("Graph");
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <div class="row"><div class="col-md-12">
            <ol class="breadcrumb"><li><a href="{E(Url.To("/marts"))}">Marts</a></li><li class="active">Graph</li></ol>
            <h1 class="page-header">Mart dependencies</h1>
            <p class="text-muted">Each mart runs after the marts it depends on have succeeded for the same logical date (arrows point
            from upstream to dependant). A box shows the mart's latest run; click it to open that run.</p>
            """);
        if (model.Marts.Count == 0)
        {
            html.Append("""<div class="alert alert-info">No mart is configured.</div>""");
        }
        else
        {
            AppendSvg(html);
        }

        html.Append("</div></div>");
        WriteLiteral(html.ToString());
    }

    private void AppendSvg(StringBuilder html)
    {
        var names = model.Marts.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var depth = Depths(names);
        var columns = model.Marts.GroupBy(m => depth[m.Name]).OrderBy(g => g.Key).ToList();
        var position = new Dictionary<string, (int X, int Y)>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            var row = 0;
            foreach (var mart in column)
            {
                position[mart.Name] = (Margin + (column.Key * (BoxWidth + ColumnGap)), Margin + (row++ * (BoxHeight + RowGap)));
            }
        }

        var width = position.Values.Max(p => p.X) + BoxWidth + Margin;
        var height = position.Values.Max(p => p.Y) + BoxHeight + Margin;
        html.Append(CultureInfo.InvariantCulture, $"""
            <div class="table-responsive"><svg class="mart-graph" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="Mart dependency graph">
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#777"/></marker></defs>
            """);
        foreach (var mart in model.Marts)
        {
            foreach (var upstream in mart.DependsOn.Where(position.ContainsKey))
            {
                var (fromX, fromY) = position[upstream];
                var (toX, toY) = position[mart.Name];
                double x1 = fromX + BoxWidth, y1 = fromY + (BoxHeight / 2.0), x2 = toX, y2 = toY + (BoxHeight / 2.0);
                var bend = Math.Max(30, (x2 - x1) / 2);
                html.Append(CultureInfo.InvariantCulture,
                    $"""<path class="graph-edge" data-from="{E(upstream)}" data-to="{E(mart.Name)}" d="M {x1} {y1} C {x1 + bend} {y1}, {x2 - bend} {y2}, {x2} {y2}" fill="none" stroke="#777" stroke-width="1.5" marker-end="url(#arrow)"/>""");
            }
        }

        foreach (var mart in model.Marts)
        {
            var (x, y) = position[mart.Name];
            var status = mart.LastRun?.Status;
            var (fill, stroke) = Colours(status);
            var href = mart.LastRun is { } last ? Url.To($"/marts/runs/{last.RunId:D}") : Url.To("/marts/runs") + "?mart=" + Uri.EscapeDataString(mart.Name);
            var caption = mart.LastRun is { } run
                ? $"{run.Status} · {run.LogicalDate.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}Z"
                : "never run";
            html.Append(CultureInfo.InvariantCulture, $"""
                <a href="{E(href)}"><g class="graph-node" data-mart="{E(mart.Name)}" data-status="{E(status?.ToString() ?? "None")}">
                <title>{E(mart.Name)}: {E(caption)}{(mart.DependsOn.Count > 0 ? E(" · depends on " + string.Join(", ", mart.DependsOn)) : "")}</title>
                <rect x="{x}" y="{y}" width="{BoxWidth}" height="{BoxHeight}" rx="6" ry="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>
                <text x="{x + 10}" y="{y + 20}" font-size="14" font-weight="bold" fill="#333">{E(Shorten(mart.Name, 24))}</text>
                <text x="{x + 10}" y="{y + 38}" font-size="12" fill="#555">{E(caption)}</text>
                </g></a>
                """);
        }

        html.Append("</svg></div>");
        html.Append("""
            <p class="graph-legend"><small>
            <span class="label label-success">Succeeded</span> <span class="label label-danger">Failed, TimedOut, Lost</span>
            <span class="label label-info">Submitting, Running</span> <span class="label label-warning">Cancelling</span>
            <span class="label label-default">Skipped, Cancelled, never run</span></small></p>
            """);
    }

    /// <summary>Each mart's column: 0 without upstreams, else one more than its deepest upstream (cycles are refused at validation).</summary>
    private Dictionary<string, int> Depths(HashSet<string> names)
    {
        var byName = model.Marts.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        int DepthOf(string name, int guard)
        {
            if (depth.TryGetValue(name, out var known))
            {
                return known;
            }

            var upstreams = byName[name].DependsOn.Where(names.Contains).ToList();
            var value = upstreams.Count == 0 || guard > names.Count ? 0 : upstreams.Max(u => DepthOf(u, guard + 1)) + 1;
            depth[name] = value;
            return value;
        }

        foreach (var name in byName.Keys)
        {
            DepthOf(name, 0);
        }

        return depth;
    }

    private static (string Fill, string Stroke) Colours(RunStatus? status) => status switch
    {
        RunStatus.Succeeded => ("#dff0d8", "#3c763d"),
        RunStatus.Failed or RunStatus.TimedOut or RunStatus.Lost => ("#f2dede", "#a94442"),
        RunStatus.Submitting or RunStatus.Running => ("#d9edf7", "#31708f"),
        RunStatus.Cancelling => ("#fcf8e3", "#8a6d3b"),
        _ => ("#f5f5f5", "#999"),
    };

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
