using Microsoft.Extensions.Options;

namespace Scheduler.Redshift;

/// <summary>Checks <see cref="RedshiftClientOptions"/> at start-up and lists every problem at once.</summary>
internal sealed class RedshiftClientOptionsValidator : IValidateOptions<RedshiftClientOptions>
{
    private const string Prefix = RedshiftClientOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, RedshiftClientOptions options)
    {
        var errors = new List<string>();
        var hasServiceUrl = !string.IsNullOrWhiteSpace(options.ServiceUrl);
        if (hasServiceUrl)
        {
            if (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{Prefix}ServiceUrl: '{options.ServiceUrl}' is not an absolute http:// or https:// URL.");
            }

            if (options.UseFips)
            {
                errors.Add($"{Prefix}UseFips: true cannot be combined with {Prefix}ServiceUrl '{options.ServiceUrl}'; a custom endpoint is used as given.");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.Region))
        {
            errors.Add($"{Prefix}Region: missing; an AWS region such as 'eu-west-1' is required unless {Prefix}ServiceUrl is set.");
        }

        if (!string.IsNullOrWhiteSpace(options.Region) && !RedshiftEndpoint.IsPlausibleRegion(options.Region))
        {
            errors.Add($"{Prefix}Region: '{options.Region}' is not a region name (expected lower-case letters, digits and dashes, e.g. 'eu-west-1').");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            errors.Add($"{Prefix}MaxAttempts: {options.MaxAttempts} is out of range; expected 1 to 20 (3 = the SDKs' standard mode).");
        }

        if (options.RequestTimeout <= TimeSpan.FromSeconds(30) || options.RequestTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{Prefix}RequestTimeout: {options.RequestTimeout} is out of range; expected more than 00:00:30 (long polling waits up to 30 s) and at most 00:10:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
