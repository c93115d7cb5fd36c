using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Scheduler.Configuration;
using Scheduler.Marts;
using Scheduler.Marts.Live;

namespace Scheduler.Tests.Marts;

public sealed class LiveMartCatalogTests
{
    private static readonly RedshiftTarget s_target = new("wg", null, "dev", null, null);

    private static MartDefinition Mart(string name, string? cron) =>
        new(name, name + ".sql", "/sql/" + name + ".sql", cron, TimeZoneInfo.Utc, TimeSpan.FromHours(1), TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), true, s_target);

    private static MartEntry Valid(MartDefinition mart) => new(mart.Name, "Marts:" + mart.Name, mart, [], mart.SqlFile, mart.Cron);

    private static MartEntry Broken(string name, string cron) =>
        new(name, "Marts:" + name, null, [new ConfigurationProblem($"Marts:{name}:Cron", cron, "a Cronos expression") { Mart = name }], name + ".sql", cron);

    private static MartConfigurationResult Result(params MartEntry[] entries) =>
        new(entries.Where(e => e.Definition is not null).Select(e => e.Definition!).ToList(), entries.SelectMany(e => e.Problems).ToList(), "/sql") { Entries = entries };

    private static LiveMartCatalog CreateSut(params MartEntry[] entries) =>
        new(Result(entries), new FakeTimeProvider(), NullLogger<LiveMartCatalog>.Instance);

    [Fact]
    public void Apply_KeepsLastValidVersionMarkedStale_WhenADefinitionBreaks()
    {
        var good = Mart("daily", "0 3 * * *");
        var sut = CreateSut(Valid(good));

        Assert.True(sut.Apply(Result(Broken("daily", "nope"))));

        Assert.Same(good, sut.Find("daily"));
        var state = sut.FindState("daily")!;
        Assert.Equal(MartStatus.Stale, state.Status);
        Assert.Equal("nope", state.Cron);
        Assert.Single(state.Problems);
    }

    [Fact]
    public void Apply_ListsNewBrokenMartWithoutDefinition_AndRemovesDeletedMarts()
    {
        var sut = CreateSut(Valid(Mart("old", null)));

        sut.Apply(Result(Broken("fresh", "nope")));

        Assert.Null(sut.Find("old"));
        Assert.Null(sut.FindState("old"));
        Assert.Null(sut.Find("fresh"));
        Assert.Equal(MartStatus.Invalid, sut.FindState("fresh")!.Status);
        Assert.Empty(sut.Marts);
    }

    [Fact]
    public void Apply_TakesRepairedDefinition_AndRaisesChangedOnlyOnChange()
    {
        var sut = CreateSut(Valid(Mart("daily", "0 3 * * *")));
        sut.Apply(Result(Broken("daily", "nope")));
        var changes = 0;
        sut.Changed += (_, _) => changes++;

        var repaired = Mart("daily", "0 4 * * *");
        Assert.True(sut.Apply(Result(Valid(repaired))));
        Assert.False(sut.Apply(Result(Valid(Mart("daily", "0 4 * * *")))));

        Assert.Equal(1, changes);
        Assert.Equal("0 4 * * *", sut.Find("daily")!.Cron);
        Assert.Equal(MartStatus.Valid, sut.FindState("daily")!.Status);
    }

    [Fact]
    public void Apply_KeepsEveryMart_WhenTheWholeConfigurationIsBroken()
    {
        var sut = CreateSut(Valid(Mart("daily", "0 3 * * *")));

        sut.Apply(new MartConfigurationResult([], [], "/gone") { GlobalProblems = [new("Sql:Root", "/gone", "an existing folder")] });

        Assert.NotNull(sut.Find("daily"));
        Assert.Single(sut.Snapshot.GlobalProblems);
    }
}
