using Scheduler.Redshift;

namespace Scheduler.Tests.Redshift;

[Trait("Category", "Fast")]
public sealed class RedshiftClientOptionsValidatorTests
{
    private static RedshiftClientOptionsValidator CreateSut() => new();

    [Theory]
    [InlineData("eu-west-1", null, false)]
    [InlineData("us-gov-west-1", null, true)]
    [InlineData(null, "http://127.0.0.1:4566", false)]
    [InlineData("eu-west-1", "https://vpce-1.redshift-data.eu-west-1.vpce.amazonaws.com/", false)]
    public void Validate_Succeeds_WhenOptionsAreConsistent(string? region, string? serviceUrl, bool fips)
    {
        var result = CreateSut().Validate(null, new RedshiftClientOptions { Region = region, ServiceUrl = serviceUrl, UseFips = fips });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(null, null, false, "Redshift:Region (missing): an AWS region")]
    [InlineData("  ", null, false, "Redshift:Region (missing): an AWS region")]
    [InlineData("Europe West", null, false, "Redshift:Region = 'Europe West': a region name")]
    [InlineData(null, "127.0.0.1:4566", false, "Redshift:ServiceUrl = '127.0.0.1:4566': an absolute http:// or https:// URL")]
    [InlineData(null, "ftp://example.com", false, "Redshift:ServiceUrl = 'ftp://example.com'")]
    [InlineData(null, "/relative", false, "Redshift:ServiceUrl = '/relative'")]
    [InlineData("eu-west-1", "http://127.0.0.1:4566", true, "Redshift:UseFips = 'true': false when Redshift:ServiceUrl is set")]
    public void Validate_FailsNamingTheKey_WhenOptionsAreInvalid(string? region, string? serviceUrl, bool fips, string expected)
    {
        var result = CreateSut().Validate(null, new RedshiftClientOptions { Region = region, ServiceUrl = serviceUrl, UseFips = fips });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "00:01:00", "Redshift:MaxAttempts = '0': a whole number from 1 to 20")]
    [InlineData(21, "00:01:00", "Redshift:MaxAttempts = '21': a whole number from 1 to 20")]
    [InlineData(3, "00:00:30", "Redshift:RequestTimeout = '00:00:30': more than 00:00:30")]
    [InlineData(3, "00:10:01", "Redshift:RequestTimeout = '00:10:01': more than 00:00:30")]
    public void Validate_Fails_WhenRetryOrTimeoutIsOutOfRange(int maxAttempts, string timeout, string expected)
    {
        var result = CreateSut().Validate(null, new RedshiftClientOptions { Region = "eu-west-1", MaxAttempts = maxAttempts, RequestTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ListsEveryProblem_WhenSeveralAreWrong()
    {
        var result = CreateSut().Validate(null, new RedshiftClientOptions { ServiceUrl = "nope", UseFips = true, MaxAttempts = 0 });

        Assert.Equal(3, result.Failures!.Count());
    }
}
