using System.Net;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;

namespace Scheduler.Dashboard;

/// <summary>The dashboard page for a query parameter the page cannot use (answered with 400).</summary>
internal sealed class BadRequestPage(string title, string message) : RazorPage
{
    public override void Execute()
    {
        Layout = new LayoutPage(title);
        WriteLiteral($"""
            <div class="row"><div class="col-md-12">
            <h1 class="page-header">{WebUtility.HtmlEncode(title)}</h1>
            <div class="alert alert-danger bad-request">{WebUtility.HtmlEncode(message)}</div>
            <p><a href="{WebUtility.HtmlEncode(Url.To("/marts/runs"))}">All runs</a></p>
            </div></div>
            """);
    }
}
