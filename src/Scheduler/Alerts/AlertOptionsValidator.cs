using Microsoft.Extensions.Options;
using Scheduler.Configuration;
using Scheduler.Marts;

namespace Scheduler.Alerts;

/// <summary>
/// Checks <see cref="AlertOptions"/> at start-up, listing every problem (key, value, what was expected; a webhook URL
/// is named, not echoed). The per-mart webhooks (<c>Marts:&lt;name&gt;:Alerts:WebhookUrl</c>) and
/// <c>Scheduler:PublicUrl</c> live outside the section and are read from <paramref name="configuration"/>.
/// </summary>
internal sealed class AlertOptionsValidator(IConfiguration configuration) : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var problems = new List<ConfigurationProblem>();
        AlertConfiguration.Validate(options, configuration, problems);
        return ConfigurationValidationResult.From(problems);
    }
}
