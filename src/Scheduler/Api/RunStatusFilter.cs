using System.Diagnostics.CodeAnalysis;
using Scheduler.Runs;

namespace Scheduler.Api;

/// <summary>
/// Parses the <c>status</c> filter of <c>GET /api/runs</c> and of the dashboard's runs list: exactly one declared run
/// status name (any case). <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/> would also take numbers, comma
/// lists (parsed as flags: <c>Running,Cancelling</c> is some other status) and surrounding spaces, and filter by
/// something nobody asked for.
/// </summary>
internal static class RunStatusFilter
{
    /// <summary>The query parameter's name.</summary>
    public const string ParameterName = "status";

    /// <summary>The accepted values, comma-separated, for messages.</summary>
    public static string AllowedValues { get; } = string.Join(", ", Enum.GetNames<RunStatus>());

    /// <summary>
    /// Null or empty text means no filter (true, <paramref name="status"/> null); a declared name (any case) is that
    /// status; anything else is false with <paramref name="error"/> naming the parameter, the value and the allowed values.
    /// </summary>
    public static bool TryParse(string? text, out RunStatus? status, [NotNullWhen(false)] out string? error)
    {
        status = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        foreach (var candidate in Enum.GetValues<RunStatus>())
        {
            if (string.Equals(candidate.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        error = $"{ParameterName}='{text}' is not a run status; expected one of {AllowedValues} (exactly one name: no lists, numbers or spaces).";
        return false;
    }
}
