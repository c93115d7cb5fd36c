namespace Scheduler.Audit;

/// <summary>Puts <see cref="AuditMiddleware"/> before the application's own pipeline (the API and the dashboard).</summary>
internal sealed class AuditStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<AuditMiddleware>();
        next(app);
    };
}
