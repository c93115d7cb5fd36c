using Scheduler.Sql;

namespace Scheduler.Tests.RunDates;

[Trait("Category", "Fast")]
public sealed class SqlParameterScannerTests
{
    [Theory]
    [InlineData("SELECT :a, :b_2, :a", "a,b_2")]
    [InlineData("SELECT :run_date::date, x::text FROM t WHERE d < :interval_end", "run_date,interval_end")]
    [InlineData("SELECT ':not' , \"col:umn\", E'\\\\' || :yes", "yes")]
    [InlineData("SELECT 'it''s :no', $$ :no $$, $tag$ :no $tag$ , :yes -- :no\n", "yes")]
    [InlineData("SELECT /* :no /* nested :no */ :no */ :yes", "yes")]
    [InlineData("SELECT arr[1:2], a[:lower:3] FROM t", "lower")]
    [InlineData("SELECT 'a\\' :no', :yes", "yes")]
    [InlineData("SELECT B':no' , X'AB', U&':no', :_under", "_under")]
    [InlineData("SELECT 1", "")]
    public void Find_ReturnsTheNamesTheStatementUses_OutsideStringsCommentsAndCasts(string sql, string expected)
    {
        Assert.Equal(expected.Length == 0 ? [] : expected.Split(','), SqlParameterScanner.Find(sql));
    }
}
