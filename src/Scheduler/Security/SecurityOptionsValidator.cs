using Microsoft.Extensions.Options;
using Scheduler.Configuration;
using Scheduler.Marts;

namespace Scheduler.Security;

/// <summary>
/// Checks <see cref="SecurityOptions"/> at start-up, listing every problem (key, value, what was expected); a password
/// hash is never echoed. Also checks that loopback mode (no user) is not exposed: that depends on keys outside the
/// section (<c>urls</c>, <c>Kestrel:Endpoints</c>, <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>), read from
/// <paramref name="configuration"/>, as are unknown keys under a user (which binding would silently drop).
/// </summary>
internal sealed class SecurityOptionsValidator(IConfiguration configuration) : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var problems = new List<ConfigurationProblem>();
        SecurityConfiguration.Validate(options, configuration, problems);
        return ConfigurationValidationResult.From(problems);
    }
}
