using Microsoft.Extensions.DependencyInjection;

namespace Scheduler.Tests.Backfills;

internal static class ServiceProviderTestExtensions
{
    public static T GetRequiredServiceForTests<T>(this IServiceProvider services)
        where T : notnull => services.GetRequiredService<T>();
}
