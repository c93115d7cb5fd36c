using System.Net;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;

namespace Scheduler.Dashboard;

/// <summary>The dashboard page for an unknown mart or run.</summary>
internal sealed class NotFoundPage(string title) : RazorPage
{
    public override void Execute()
    {
        Layout = new LayoutPage(title);
        WriteLiteral($"""
            <div class="row"><div class="col-md-12">
            <h1 class="page-header">{WebUtility.HtmlEncode(title)}</h1>
            <div class="alert alert-warning">Nothing here. <a href="{WebUtility.HtmlEncode(Url.To("/marts"))}">Back to the marts</a>.</div>
            </div></div>
            """);
    }
}
