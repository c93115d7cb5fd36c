using System.Text.Json;
using Scheduler.Runs;

namespace Scheduler.Tests.RunDates;

[Trait("Category", "Fast")]
public sealed class RunTriggerNameTests
{
    [Fact]
    public void TriggerName_IsTheRunJsonName_ForEveryTrigger()
    {
        foreach (var trigger in Enum.GetValues<RunTrigger>())
        {
            Assert.Equal(JsonSerializer.Serialize(trigger, RunJson.Options).Trim('"'), RunMetrics.TriggerName(trigger));
        }
    }
}
