using Scheduler.Redshift;

namespace Scheduler.Tests.Redshift;

[Trait("Category", "Fast")]
public sealed class RedshiftEndpointTests
{
    [Theory]
    [InlineData("eu-west-1", false, "https://redshift-data.eu-west-1.amazonaws.com/")]
    [InlineData("us-east-1", true, "https://redshift-data-fips.us-east-1.amazonaws.com/")]
    [InlineData("us-gov-west-1", true, "https://redshift-data-fips.us-gov-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", false, "https://redshift-data.cn-north-1.amazonaws.com.cn/")]
    [InlineData("us-iso-east-1", false, "https://redshift-data.us-iso-east-1.c2s.ic.gov/")]
    [InlineData("us-isob-east-1", true, "https://redshift-data-fips.us-isob-east-1.sc2s.sgov.gov/")]
    public void Resolve_ReturnsRegionalEndpoint_WhenNoServiceUrl(string region, bool fips, string expected)
    {
        var uri = RedshiftEndpoint.Resolve(new RedshiftClientOptions { Region = region, UseFips = fips });

        Assert.Equal(expected, uri.ToString());
    }

    [Fact]
    public void Resolve_ReturnsServiceUrl_AndSignsForUsEast1_WhenRegionAbsent()
    {
        var options = new RedshiftClientOptions { ServiceUrl = "http://127.0.0.1:4566" };

        Assert.Equal("http://127.0.0.1:4566/", RedshiftEndpoint.Resolve(options).ToString());
        Assert.Equal("us-east-1", RedshiftEndpoint.SigningRegion(options));
    }

    [Theory]
    [InlineData("com.amazonaws.redshiftdata#ValidationException", "ValidationException")]
    [InlineData("ValidationException:http://internal.amazon.com/coral/com.amazon.redshiftdata/", "ValidationException")]
    [InlineData("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError")]
    [InlineData("ThrottlingException", "ThrottlingException")]
    [InlineData("", null)]
    public void BareErrorCode_StripsNamespaceAndUri(string raw, string? expected) =>
        Assert.Equal(expected, RedshiftDataClient.BareErrorCode(raw));
}
