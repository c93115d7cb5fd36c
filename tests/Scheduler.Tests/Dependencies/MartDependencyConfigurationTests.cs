using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Scheduler.Marts;
using Scheduler.Marts.Dependencies;
using Scheduler.Marts.Live;

namespace Scheduler.Tests.Dependencies;

[Trait("Category", "Fast")]
public sealed class MartDependencyConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("scheduler-deps-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private MartConfigurationResult Read(Dictionary<string, string?> marts)
    {
        File.WriteAllText(Path.Combine(_root, "m.sql"), "SELECT 1;");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = "Host=localhost",
            ["Redshift:Region"] = "eu-west-1",
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Sql:Root"] = _root,
        };
        foreach (var (key, value) in marts)
        {
            settings[key] = value;
        }

        return MartConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _root);
    }

    private static Dictionary<string, string?> Marts(params string[] names) =>
        names.ToDictionary(n => $"Marts:{n}:SqlFile", _ => (string?)"m.sql");

    [Fact]
    public void DependsOn_IsReadAsAList_FromConfigurationAndDefinitionFiles()
    {
        var settings = Marts("a", "b");
        settings["Marts:b:DependsOn:0"] = "a";
        File.WriteAllText(Path.Combine(_root, "c.sql"), "SELECT 1;");
        File.WriteAllText(Path.Combine(_root, "c.mart.json"), """{ "DependsOn": ["a", "b"] }""");

        var result = Read(settings);

        Assert.Empty(result.Problems);
        Assert.Equal(["a"], result.Marts.Single(m => m.Name == "b").DependsOn);
        Assert.Equal(["a", "b"], result.Marts.Single(m => m.Name == "c").DependsOn);
        Assert.Equal(["a", "b", "c"], MartGraph.Order([.. result.Marts.OrderByDescending(m => m.Name)]).Select(m => m.Name));
    }

    [Fact]
    public void Cycle_IsAProblemNamingTheCycle_OnEveryMartOnIt()
    {
        var settings = Marts("a", "b", "c", "free");
        settings["Marts:a:DependsOn:0"] = "b";
        settings["Marts:b:DependsOn:0"] = "c";
        settings["Marts:c:DependsOn:0"] = "a";

        var result = Read(settings);

        Assert.Equal(3, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Contains("a → b → c → a", p.ToString(), StringComparison.Ordinal));
        Assert.Equal(["a", "b", "c"], result.Problems.Select(p => p.Mart).Order());
        Assert.Equal("free", Assert.Single(result.Marts).Name);
    }

    [Fact]
    public void UnknownNameAndSelfDependency_AreProblemsNamingTheKey()
    {
        var settings = Marts("a", "b");
        settings["Marts:a:DependsOn:0"] = "nope";
        settings["Marts:b:DependsOn"] = "b";

        var result = Read(settings);

        Assert.Contains(result.Problems, p => p.Key == "Marts:a:DependsOn:0" && p.Value == "nope" && p.Expected.Contains("defined mart", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Key == "Marts:b:DependsOn:0" && p.Expected.Contains("b → b", StringComparison.Ordinal));
        Assert.Empty(result.Marts);
    }

    [Fact]
    public void LiveReload_RefusesADefinitionThatClosesACycle_KeepingTheLastValidOne()
    {
        var settings = Marts("a", "b");
        settings["Marts:b:DependsOn:0"] = "a";
        var catalog = new LiveMartCatalog(Read(settings), new FakeTimeProvider(), NullLogger<LiveMartCatalog>.Instance);

        settings["Marts:a:DependsOn:0"] = "b";
        catalog.Apply(Read(settings));

        Assert.Empty(catalog.Find("a")!.DependsOn); // both refused; the versions in force have no cycle
        Assert.Equal(["a"], catalog.Find("b")!.DependsOn);
        Assert.Equal(MartStatus.Stale, catalog.FindState("a")!.Status);
        Assert.Contains(catalog.FindState("a")!.Problems, p => p.Expected.Contains("a → b → a", StringComparison.Ordinal));
    }

    [Fact]
    public void LiveReload_RefusesACycleThroughAStaleDefinition()
    {
        // b → a is in force; b's file breaks (stale, b → a stays in force) while a now names b: a is refused too.
        var settings = Marts("a", "b");
        settings["Marts:b:DependsOn:0"] = "a";
        var catalog = new LiveMartCatalog(Read(settings), new FakeTimeProvider(), NullLogger<LiveMartCatalog>.Instance);

        settings["Marts:b:Cron"] = "not a cron";
        settings["Marts:a:DependsOn:0"] = "b";
        catalog.Apply(Read(settings));

        Assert.Empty(catalog.Find("a")!.DependsOn);
        Assert.Equal(MartStatus.Stale, catalog.FindState("a")!.Status);
        Assert.Contains(catalog.FindState("a")!.Problems, p => p.Expected.Contains('→', StringComparison.Ordinal));
    }

    [Fact]
    public void Equals_SeesADependsOnChange()
    {
        var settings = Marts("a", "b");
        var before = Read(settings).Marts.Single(m => m.Name == "b");
        settings["Marts:b:DependsOn:0"] = "a";
        var after = Read(settings).Marts.Single(m => m.Name == "b");

        Assert.NotEqual(before, after);
        Assert.Equal(after, Read(settings).Marts.Single(m => m.Name == "b"));
    }
}
