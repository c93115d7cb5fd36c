using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Dependencies;

[Collection(SchedulerHostGroup.Name)]
public sealed class DependencyApiTests
{
    [Fact]
    public async Task GetMarts_ShowsEachMartsDependsOnAndDependants()
    {
        await using var stack = await ApiStack.StartAsync("deps_api",
            new Dictionary<string, string> { ["a"] = "SELECT 1;", ["b"] = "SELECT 2;", ["c"] = "SELECT 3;" },
            new Dictionary<string, string?> { ["Marts:b:DependsOn:0"] = "a", ["Marts:c:DependsOn:0"] = "a", ["Marts:c:DependsOn:1"] = "b" });
        using var client = stack.Client();

        var marts = await client.GetFromJsonAsync<JsonElement>("api/marts", ApiStack.Json);

        var byName = marts.EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        string[] Names(string mart, string property) => [.. byName[mart].GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
        Assert.Empty(Names("a", "dependsOn"));
        Assert.Equal(["b", "c"], Names("a", "dependants"));
        Assert.Equal(["a"], Names("b", "dependsOn"));
        Assert.Equal(["c"], Names("b", "dependants"));
        Assert.Equal(["a", "b"], Names("c", "dependsOn"));
        Assert.Empty(Names("c", "dependants"));
    }
}
