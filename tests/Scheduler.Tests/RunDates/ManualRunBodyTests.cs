using System.Text.Json;
using Scheduler.Api;
using Scheduler.Marts;
using Scheduler.Marts.Parameters;
using Scheduler.Redshift.Model;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;

namespace Scheduler.Tests.RunDates;

[Trait("Category", "Fast")]
public sealed class ManualRunBodyTests
{
    private static readonly MartDefinition Mart = MartCalendarTests.Mart("0 6 * * *") with
    {
        Parameters = new Dictionary<string, string> { ["region"] = "eu" },
    };

    private static (bool Ok, Scheduler.Runs.Triggers.RunRequest Request, string Field, string Problem) Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var ok = ManualRunBody.TryRead(document.RootElement.Clone(), Mart, out var request, out var field, out var problem);
        return (ok, request, field, problem);
    }

    [Fact]
    public void TryRead_ReadsEveryMember()
    {
        var (ok, request, _, _) = Read("""{ "logicalDate": "2026-12-01", "parameters": { "region": "us" }, "downstream": true }""");

        Assert.True(ok);
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture), request.LogicalDate);
        Assert.Equal("us", request.Parameters!["region"]);
        Assert.True(request.Downstream);
        Assert.Equal(Scheduler.Runs.RunTrigger.Manual, request.Trigger);
    }

    [Theory]
    [InlineData("""{ "logicalDate": 20261201 }""", "logicalDate")]
    [InlineData("""{ "logicalDate": "soon" }""", "logicalDate")]
    [InlineData("""{ "parameters": ["region"] }""", "parameters")]
    [InlineData("""{ "parameters": { "region": 1 } }""", "parameters.region")]
    [InlineData("""{ "downstream": "yes" }""", "downstream")]
    [InlineData("""{ "logical_date": "2026-12-01" }""", "logical_date")]
    [InlineData("""[1]""", "(body)")]
    public void TryRead_NamesTheField_WhenAMemberIsWrong(string json, string field)
    {
        var (ok, _, actual, problem) = Read(json);

        Assert.False(ok);
        Assert.Equal(field, actual);
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Fact]
    public void CheckOverrides_RefusesUnknownBuiltInAndEmptyParameters_NamingEach()
    {
        var problems = MartParameters.CheckOverrides(Mart, new Dictionary<string, string> { ["nope"] = "x", ["run_date"] = "2026-01-01", ["region"] = "" });

        Assert.Equal(["parameters.nope", "parameters.run_date", "parameters.region"], problems.Select(p => p.Field));
        Assert.Contains("it has: region", problems[0].Problem, StringComparison.Ordinal);
        Assert.Contains("logicalDate", problems[1].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_LayersBuiltInsDefaultsAndOverrides()
    {
        var logical = DateTimeOffset.Parse("2026-12-02T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var values = MartParameters.Resolve(Mart, logical, (logical.AddDays(-1), logical), new Dictionary<string, string> { ["region"] = "us" });

        Assert.Equal("2026-12-02", values["run_date"]);
        Assert.Equal("2026-12-02T06:00:00Z", values["logical_ts"]);
        Assert.Equal("2026-12-01T06:00:00Z", values["interval_start"]);
        Assert.Equal("2026-12-02T06:00:00Z", values["interval_end"]);
        Assert.Equal("us", values["region"]);
    }

    [Fact]
    public void ForStatements_SendsOnlyWhatTheStatementsUse_AndNamesAMissingOne()
    {
        var values = new Dictionary<string, string> { ["run_date"] = "2026-12-02", ["region"] = "eu", ["unused"] = "x" };

        var used = MartParameters.ForStatements(["DELETE FROM t WHERE d = :run_date", "INSERT INTO t SELECT :run_date::date, :region"], values);
        var missing = Assert.Throws<KeyNotFoundException>(() => MartParameters.ForStatements(["SELECT 1", "SELECT :nope"], values));

        Assert.Equal(["run_date", "region"], used.Select(p => p.Key));
        Assert.Contains("Statement 2 uses :nope", missing.Message, StringComparison.Ordinal);
    }
}
