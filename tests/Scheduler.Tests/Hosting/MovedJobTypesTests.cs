using Hangfire;
using Hangfire.Storage;
using Scheduler.Hosting;
using Scheduler.Runs.Retention;
using Scheduler.Runs.Retries;
using Scheduler.Runs.Steps;
using Scheduler.Scheduling;

namespace Scheduler.Tests.Hosting;

/// <summary>Jobs stored before the job classes moved namespaces still load, as the new types, with their arguments.</summary>
[Trait("Category", "Fast")]
public sealed class MovedJobTypesTests
{
    [Theory]
    [InlineData("Scheduler.Runs.PollRunJob, Scheduler", typeof(PollRunJob), "PollAsync", """["System.Guid","System.Int32","System.Threading.CancellationToken, System.Private.CoreLib"]""", """["\"6b1f1c7e-52a4-4c55-9a43-2f0cf1c1a111\"","3",null]""")]
    [InlineData("Scheduler.Runs.SubmitRunJob, Scheduler", typeof(SubmitRunJob), "SubmitAsync", """["System.Guid","System.Threading.CancellationToken, System.Private.CoreLib"]""", """["\"6b1f1c7e-52a4-4c55-9a43-2f0cf1c1a111\"",null]""")]
    [InlineData("Scheduler.Runs.RetryRunJob, Scheduler", typeof(RetryRunJob), "RetryAsync", """["System.Guid","System.Threading.CancellationToken, System.Private.CoreLib"]""", """["\"6b1f1c7e-52a4-4c55-9a43-2f0cf1c1a111\"",null]""")]
    public void StoredJob_LoadsAsTheMovedType_WhenItNamesTheOldNamespace(string type, Type expected, string method, string parameterTypes, string arguments)
    {
        GlobalConfiguration.Configuration.UseTypeResolver(MovedJobTypes.Resolve);

        var job = new InvocationData(type, method, parameterTypes, arguments).DeserializeJob();

        Assert.Equal(expected, job.Type);
        Assert.Equal(method, job.Method.Name);
        Assert.Equal(Guid.Parse("6b1f1c7e-52a4-4c55-9a43-2f0cf1c1a111"), job.Args[0]);
    }

    [Fact]
    public void Resolve_KnowsEveryJobClassThatLeftTheRunsNamespace()
    {
        Assert.Equal(
            new[] { typeof(CronTriggerJob), typeof(PollRunJob), typeof(RetryRunJob), typeof(RunRetentionJob), typeof(SubmitRunJob) }.Select(t => t.FullName).Order(StringComparer.Ordinal),
            MovedJobTypes.OldNames.Select(n => MovedJobTypes.Resolve(n + ", Scheduler").FullName).Order(StringComparer.Ordinal));
        Assert.Equal(typeof(string), MovedJobTypes.Resolve("System.String"));
    }
}
