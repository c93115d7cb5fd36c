using System.Text.RegularExpressions;

namespace Scheduler.Redshift;

/// <summary>Resolves the Data API endpoint and signing region from <see cref="RedshiftClientOptions"/>.</summary>
internal static partial class RedshiftEndpoint
{
    /// <summary>The SigV4 signing name and endpoint prefix.</summary>
    public const string ServiceName = "redshift-data";

    /// <summary>Signing region for a ServiceUrl without a region (what local emulators and the JS SDK default to).</summary>
    public const string DefaultSigningRegion = "us-east-1";

    [GeneratedRegex("^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();

    public static bool IsPlausibleRegion(string region) => RegionPattern().IsMatch(region);

    public static Uri Resolve(RedshiftClientOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            return new Uri(options.ServiceUrl, UriKind.Absolute);
        }

        var region = options.Region ?? throw new InvalidOperationException("Redshift:Region is required unless Redshift:ServiceUrl is set.");
        var prefix = options.UseFips ? ServiceName + "-fips" : ServiceName;
        return new Uri($"https://{prefix}.{region}.{DnsSuffix(region)}/");
    }

    public static string SigningRegion(RedshiftClientOptions options) =>
        string.IsNullOrWhiteSpace(options.Region) ? DefaultSigningRegion : options.Region;

    // Partition suffixes from the service's endpoint rule set.
    private static string DnsSuffix(string region) => region switch
    {
        _ when region.StartsWith("cn-", StringComparison.Ordinal) => "amazonaws.com.cn",
        _ when region.StartsWith("us-isob-", StringComparison.Ordinal) => "sc2s.sgov.gov",
        _ when region.StartsWith("us-iso-", StringComparison.Ordinal) => "c2s.ic.gov",
        _ => "amazonaws.com",
    };
}
