using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;

namespace Scheduler.Marts;

/// <content>Where a mart runs: its Redshift target (global keys, overridden per mart) and its alert webhook.</content>
internal static partial class MartConfiguration
{
    private static readonly string[] s_targetKeys = ["WorkgroupName", "ClusterIdentifier", "Database", "DbUser", "SecretArn"];

    private static Uri? ReadWebhook(IConfiguration section, string prefix, List<ConfigurationProblem> problems)
    {
        var text = NullIfBlank(section["Alerts:WebhookUrl"]);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return url;
        }

        // A webhook URL often carries a secret token, so it is named but not echoed. (In configuration, the alert
        // settings' own validation reports it.)
        problems.Add(new($"{prefix}:Alerts:WebhookUrl", "(hidden)", "an absolute http:// or https:// URL"));
        return null;
    }

    private static RedshiftTarget? ReadTarget(IConfiguration configuration, IConfiguration section, string name, string prefix, List<ConfigurationProblem> problems)
    {
        var values = new Dictionary<string, (string? Value, string Key)>(StringComparer.Ordinal);
        foreach (var key in s_targetKeys)
        {
            var own = section[$"Redshift:{key}"];
            values[key] = string.IsNullOrWhiteSpace(own)
                ? (NullIfBlank(configuration[$"Redshift:{key}"]), $"Redshift:{key}")
                : (own.Trim(), $"{prefix}:Redshift:{key}");
        }

        // A mart naming its own workgroup or cluster replaces both global keys, so it can switch kinds.
        var martChoosesKind = !string.IsNullOrWhiteSpace(section["Redshift:WorkgroupName"]) || !string.IsNullOrWhiteSpace(section["Redshift:ClusterIdentifier"]);
        if (martChoosesKind)
        {
            foreach (var key in new[] { "WorkgroupName", "ClusterIdentifier" })
            {
                values[key] = (NullIfBlank(section[$"Redshift:{key}"]), $"{prefix}:Redshift:{key}");
            }
        }

        var workgroup = values["WorkgroupName"];
        var cluster = values["ClusterIdentifier"];
        var ok = true;
        if (workgroup.Value is not null && cluster.Value is not null)
        {
            problems.Add(new(cluster.Key, cluster.Value,
                $"exactly one of WorkgroupName and ClusterIdentifier for mart '{name}', but {workgroup.Key} = '{workgroup.Value}' is set too"));
            ok = false;
        }
        else if (workgroup.Value is null && cluster.Value is null)
        {
            problems.Add(new($"{prefix}:Redshift:WorkgroupName", null,
                $"a Redshift Serverless workgroup or a cluster (Redshift:WorkgroupName or Redshift:ClusterIdentifier, globally or for mart '{name}')"));
            ok = false;
        }

        if (values["Database"].Value is null)
        {
            problems.Add(new($"{prefix}:Redshift:Database", null, $"the database to connect to (Redshift:Database, globally or for mart '{name}')"));
            ok = false;
        }

        return ok
            ? new RedshiftTarget(workgroup.Value, cluster.Value, values["Database"].Value, values["DbUser"].Value, values["SecretArn"].Value)
            : null;
    }
}
