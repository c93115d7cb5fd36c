namespace Scheduler.Tests.Api;

/// <summary>A Hangfire job body for tests that need a recurring job to exist (scheduled with <c>Cron.Never()</c>).</summary>
public static class OpsProbe
{
    public static void Run()
    {
    }
}
