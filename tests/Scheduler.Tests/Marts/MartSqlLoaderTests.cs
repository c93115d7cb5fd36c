using Microsoft.Extensions.Configuration;
using Scheduler.Marts;
using Scheduler.Marts.Definitions;

namespace Scheduler.Tests.Marts;

[Trait("Category", "Fast")]
public sealed class MartSqlLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scheduler-loader-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private MartDefinition Mart(string sql)
    {
        var path = Path.Combine(_directory, "m.sql");
        File.WriteAllText(path, sql);
        return new MartDefinition("sales", "m.sql", path, null, TimeZoneInfo.Utc, TimeSpan.FromHours(1),
            TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), true, new RedshiftTarget("wg", null, "dev", null, null));
    }

    [Fact]
    public async Task LoadAsync_ReturnsStatements_WhenFileIsValid()
    {
        var statements = await new MartSqlLoader().LoadAsync(Mart("\uFEFFDELETE FROM t;\r\nINSERT INTO t SELECT 1;\r\n"), CancellationToken.None);

        Assert.Equal(["DELETE FROM t", "INSERT INTO t SELECT 1"], statements);
    }

    [Fact]
    public async Task LoadAsync_SeesTheCurrentFile_WhenItChangedAfterStartUp()
    {
        var mart = Mart("SELECT 1");
        await File.WriteAllTextAsync(mart.SqlPath, "SELECT 1; SELECT 2");

        var statements = await new MartSqlLoader().LoadAsync(mart, CancellationToken.None);

        Assert.Equal(2, statements.Count);
    }

    [Fact]
    public async Task LoadAsync_AcceptsFortyStatements_WhenAtTheLimit()
    {
        var statements = await new MartSqlLoader().LoadAsync(Mart(string.Concat(Enumerable.Repeat("SELECT 1;\n", 40))), CancellationToken.None);

        Assert.Equal(40, statements.Count);
    }

    [Fact]
    public async Task LoadAsync_ThrowsNamingMartFileAndLimit_WhenMoreThanFortyStatements()
    {
        var mart = Mart(string.Concat(Enumerable.Repeat("SELECT 1;\n", 41)));

        var exception = await Assert.ThrowsAsync<MartSqlException>(() => new MartSqlLoader().LoadAsync(mart, CancellationToken.None));

        Assert.Contains("Mart 'sales'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"'{mart.SqlFile}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("41 statements", exception.Message, StringComparison.Ordinal);
        Assert.Contains("at most 40", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_AcceptsStatement_WhenExactly100KB()
    {
        var sql = "SELECT '" + new string('x', MartSqlLoader.MaxStatementBytes - 9) + "'";

        var statements = await new MartSqlLoader().LoadAsync(Mart(sql), CancellationToken.None);

        Assert.Equal(MartSqlLoader.MaxStatementBytes, System.Text.Encoding.UTF8.GetByteCount(Assert.Single(statements)));
    }

    [Fact]
    public async Task LoadAsync_ThrowsNamingMartFileAndStatement_WhenStatementExceeds100KB()
    {
        // 'é' is two bytes in UTF-8: the limit is in bytes, not characters.
        var mart = Mart("SELECT 1;\nSELECT '" + new string('é', 60_000) + "';");

        var exception = await Assert.ThrowsAsync<MartSqlException>(() => new MartSqlLoader().LoadAsync(mart, CancellationToken.None));

        Assert.Contains("Mart 'sales'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"'{mart.SqlFile}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("statement 2 is 120009 bytes", exception.Message, StringComparison.Ordinal);
        Assert.Contains("102400 bytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ThrowsWithLineAndColumn_WhenSqlIsInvalid()
    {
        var mart = Mart("SELECT 1;\n  /* never closed");

        var exception = await Assert.ThrowsAsync<MartSqlException>(() => new MartSqlLoader().LoadAsync(mart, CancellationToken.None));

        Assert.Contains("Mart 'sales'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"'{mart.SqlFile}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("line 2, column 3", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_Throws_WhenFileHasNoStatement()
    {
        var mart = Mart("-- nothing yet\n");

        var exception = await Assert.ThrowsAsync<MartSqlException>(() => new MartSqlLoader().LoadAsync(mart, CancellationToken.None));

        Assert.Contains("no SQL statement", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ThrowsNamingMartAndFile_WhenFileIsMissing()
    {
        var mart = Mart("SELECT 1");
        File.Delete(mart.SqlPath);

        var exception = await Assert.ThrowsAsync<MartSqlException>(() => new MartSqlLoader().LoadAsync(mart, CancellationToken.None));

        Assert.Contains("Mart 'sales'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"'{mart.SqlFile}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_RefusesTheFile_WhenItWasSwappedForALinkOutOfTheRoot()
    {
        var root = Directory.CreateDirectory(Path.Combine(_directory, "root")).FullName;
        var outside = Path.Combine(_directory, "outside.sql");
        await File.WriteAllTextAsync(outside, "SELECT 'the file outside Sql:Root'");
        var path = Path.Combine(root, "m.sql");
        await File.WriteAllTextAsync(path, "SELECT 1");
        var mart = new MartDefinition("sales", "m.sql", path, null, TimeZoneInfo.Utc, TimeSpan.FromHours(1),
            TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), true, new RedshiftTarget("wg", null, "dev", null, null)) { SqlRoot = root };
        File.Delete(path);
        File.CreateSymbolicLink(path, outside);

        var exception = await Assert.ThrowsAsync<MartSqlException>(() => new MartSqlLoader().LoadAsync(mart, CancellationToken.None));

        Assert.Contains("Sql:Root", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(outside, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_RefusesTheFile_WhenAFolderOnItsPathWasSwappedForALinkOutOfTheRoot()
    {
        var root = Directory.CreateDirectory(Path.Combine(_directory, "root")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(_directory, "elsewhere")).FullName;
        await File.WriteAllTextAsync(Path.Combine(elsewhere, "m.sql"), "SELECT 'outside'");
        var folder = Directory.CreateDirectory(Path.Combine(root, "finance")).FullName;
        var path = Path.Combine(folder, "m.sql");
        await File.WriteAllTextAsync(path, "SELECT 1");
        var mart = new MartDefinition("sales", "finance/m.sql", path, null, TimeZoneInfo.Utc, TimeSpan.FromHours(1),
            TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), true, new RedshiftTarget("wg", null, "dev", null, null)) { SqlRoot = root };
        Directory.Delete(folder, recursive: true);
        Directory.CreateSymbolicLink(folder, elsewhere);

        await Assert.ThrowsAsync<MartSqlException>(() => new MartSqlLoader().LoadAsync(mart, CancellationToken.None));
    }

    [Fact]
    public void Read_KeepsTheRealSqlRootWithTheDefinition_SoThatTheLoaderCanHoldRunsToIt()
    {
        var root = Directory.CreateDirectory(Path.Combine(_directory, "marts")).FullName;
        File.WriteAllText(Path.Combine(root, "m.sql"), "SELECT 1");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sql:Root"] = root,
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Redshift:Region"] = "eu-west-1",
            ["Marts:sales:SqlFile"] = "m.sql",
        }).Build();

        var mart = Assert.Single(MartConfiguration.Read(configuration, _directory).Marts);

        Assert.Equal(PathContainment.ResolveLinks(root), mart.SqlRoot);
    }
}
