using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Scheduler.Audit;
using Scheduler.Security;

namespace Scheduler.Dashboard;

/// <summary>The dashboard's Audit page (<c>/hangfire/audit</c>): the newest entries of the audit log, for Admins.</summary>
internal sealed class AuditPage(AuditPage.Model model) : RazorPage
{
    /// <summary>What the page shows; <see cref="Entries"/> is null for a user who is not an Admin.</summary>
    public sealed record Model(IReadOnlyList<AuditEntry>? Entries, AuditQuery Query);

    /// <summary>Loads the page: the entries for an Admin, nothing for a Viewer.</summary>
    public static async Task<Model?> LoadAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var http = context.GetHttpContext();
        var q = http.Request.Query;
        if (AuditEndpoints.ParseQuery(q["user"], q["mart"], q["action"], q["before"], q["limit"], out var problem) is not { } query)
        {
            throw new DashboardQueryException(problem!);
        }

        if (!Security.SchedulerAuthentication.IsAdmin(http.User))
        {
            return new Model(null, query);
        }

        return new Model(await services.GetRequiredService<AuditStore>().ListAsync(query, cancellationToken).ConfigureAwait(false), query);
    }

    public override void Execute()
    {
        Layout = new LayoutPage("Audit");
        var html = new StringBuilder("""<div class="row"><div class="col-md-12"><h1 class="page-header">Audit</h1>""");
        if (model.Entries is null)
        {
            html.Append("""<div class="alert alert-info">The audit log is shown to Admins only.</div>""");
        }
        else
        {
            html.Append("""<table class="table table-striped audit-log"><thead><tr><th>At (UTC)</th><th>User</th><th>Role</th><th>Action</th><th>Target</th><th>Parameters</th><th>From</th><th>Outcome</th></tr></thead><tbody>""");
            foreach (var entry in model.Entries)
            {
                var parameters = entry.Parameters is null ? "" : string.Join(", ", entry.Parameters.Select(p => $"{p.Key}={p.Value}"));
                html.Append(CultureInfo.InvariantCulture, $"""
                    <tr><td>{DashboardHtml.E(entry.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}</td><td>{DashboardHtml.E(entry.User)}</td><td>{DashboardHtml.E(entry.Role)}</td><td>{DashboardHtml.E(entry.Action)}</td><td>{DashboardHtml.E(entry.Target)}</td><td>{DashboardHtml.E(parameters)}</td><td>{DashboardHtml.E(entry.RemoteAddress)}</td><td>{DashboardHtml.E(entry.Outcome)} ({entry.Status})</td></tr>
                    """);
            }

            html.Append("</tbody></table>");
            if (model.Entries.Count == model.Query.Limit)
            {
                html.Append(CultureInfo.InvariantCulture, $"""<a class="btn btn-default" href="{DashboardHtml.E(Url.To($"/audit?before={model.Entries[^1].Id}"))}">Older</a>""");
            }
        }

        html.Append("</div></div>");
        WriteLiteral(html.ToString());
    }
}
