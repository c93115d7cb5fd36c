using Hangfire.Dashboard;

namespace Scheduler.Dashboard;

/// <summary>
/// Serves a hand-written <see cref="RazorPage"/> whose data is loaded asynchronously first: Hangfire renders pages
/// synchronously (<see cref="RazorPage.Execute"/>), and the ledger is async. Rendering goes through Hangfire's own
/// page dispatcher, so the page gets the dashboard's layout, antiforgery meta tags and scripts.
/// </summary>
/// <typeparam name="TModel">What the page shows.</typeparam>
internal sealed class AsyncPageDispatcher<TModel>(
    Func<DashboardContext, IServiceProvider, CancellationToken, Task<TModel?>> load,
    Func<TModel, RazorPage> page,
    string notFoundTitle) : IDashboardDispatcher
    where TModel : class
{
    public async Task Dispatch(DashboardContext context)
    {
        var http = context.GetHttpContext();
        TModel? model;
        RazorPage rendered;
        try
        {
            model = await load(context, http.RequestServices, http.RequestAborted).ConfigureAwait(false);
            rendered = model is null ? new NotFoundPage(notFoundTitle) : page(model);
        }
        catch (DashboardQueryException ex)
        {
            model = null;
            rendered = new BadRequestPage("Bad request", ex.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        // Hangfire's page dispatcher is internal; a private route collection hands one out for this page instance.
        var routes = new Hangfire.Dashboard.RouteCollection();
        routes.AddRazorPage("/page", _ => rendered);
        var dispatcher = routes.FindDispatcher("/page")!.Item1;
        if (model is null && rendered is NotFoundPage)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }

        await dispatcher.Dispatch(context).ConfigureAwait(false);
    }
}
