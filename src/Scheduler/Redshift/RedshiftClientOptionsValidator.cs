using System.Globalization;
using Microsoft.Extensions.Options;
using Scheduler.Configuration;

namespace Scheduler.Redshift;

/// <summary>Checks <see cref="RedshiftClientOptions"/> at start-up and lists every problem at once (key, value, expectation).</summary>
internal sealed class RedshiftClientOptionsValidator : IValidateOptions<RedshiftClientOptions>
{
    private const string Prefix = RedshiftClientOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, RedshiftClientOptions options)
    {
        var problems = new OptionsProblems();
        var hasServiceUrl = !string.IsNullOrWhiteSpace(options.ServiceUrl);
        if (hasServiceUrl)
        {
            if (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"{Prefix}ServiceUrl", options.ServiceUrl, "an absolute http:// or https:// URL");
            }

            if (options.UseFips)
            {
                problems.Add($"{Prefix}UseFips", "true", $"false when {Prefix}ServiceUrl is set: a custom endpoint is used as given");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.Region))
        {
            problems.Add($"{Prefix}Region", null, $"an AWS region such as eu-west-1 (required unless {Prefix}ServiceUrl is set)");
        }

        if (!string.IsNullOrWhiteSpace(options.Region) && !RedshiftEndpoint.IsPlausibleRegion(options.Region))
        {
            problems.Add($"{Prefix}Region", options.Region, "a region name (lower-case letters, digits and dashes, e.g. eu-west-1)");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            problems.Add($"{Prefix}MaxAttempts", options.MaxAttempts.ToString(CultureInfo.InvariantCulture),
                "a whole number from 1 to 20 (3 = the SDKs' standard mode)");
        }

        if (options.RequestTimeout <= TimeSpan.FromSeconds(30) || options.RequestTimeout > TimeSpan.FromMinutes(10))
        {
            problems.Add($"{Prefix}RequestTimeout", options.RequestTimeout.ToString("c", CultureInfo.InvariantCulture),
                "more than 00:00:30 (long polling waits up to 30 s) and at most 00:10:00");
        }

        return problems.ToResult();
    }
}
