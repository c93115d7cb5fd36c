using System.Globalization;
using System.Text.Json;
using Scheduler.Backfills;
using Scheduler.Marts;
using Scheduler.Marts.Calendar;
using Scheduler.Marts.Parameters;

namespace Scheduler.Api;

/// <summary>
/// Reads a backfill request: the JSON body of <c>POST /api/marts/{name}/backfills</c>
/// (<c>{ "from": "2026-11-01", "to": "2026-11-30", "maxConcurrent": 2, "rerun": "failed", "downstream": false, "parameters": { … } }</c>)
/// or the dashboard's form. A wrong member is refused naming the field and what was expected.
/// </summary>
/// <remarks>
/// Dates are read by <see cref="LogicalDateParser"/>; a <c>to</c> given as a date alone covers that whole local day, so
/// <c>"to": "2026-11-30"</c> includes every fire time on the 30th.
/// </remarks>
internal static class BackfillBody
{
    /// <summary>The largest body read.</summary>
    public const int MaxBytes = 64 * 1024;

    private const string RerunExpected = "one of \"missing\" (dates with no run; the default), \"failed\" (no run or the latest did not succeed) or \"all\"";

    /// <summary>Reads the JSON body.</summary>
    public static bool TryRead(JsonElement? body, MartDefinition mart, out BackfillRequest request, out string field, out string problem)
    {
        ArgumentNullException.ThrowIfNull(mart);
        request = null!;
        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            (field, problem) = ("(body)", "a JSON object such as { \"from\": \"2026-11-01\", \"to\": \"2026-11-30\" }");
            return false;
        }

        string? from = null, to = null, rerun = null;
        int? maxConcurrent = null;
        var downstream = false;
        Dictionary<string, string>? parameters = null;
        foreach (var member in root.EnumerateObject())
        {
            switch (member.Name)
            {
                case "from" or "to":
                    if (member.Value.ValueKind != JsonValueKind.String)
                    {
                        (field, problem) = (member.Name, $"{LogicalDateParser.Expected}, as a JSON string");
                        return false;
                    }

                    if (member.Name == "from")
                    {
                        from = member.Value.GetString();
                    }
                    else
                    {
                        to = member.Value.GetString();
                    }

                    break;
                case "maxConcurrent":
                    if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetInt32(out var max))
                    {
                        (field, problem) = ("maxConcurrent", $"a whole number from 1 to {mart.MaxActiveRuns} (the mart's MaxActiveRuns)");
                        return false;
                    }

                    maxConcurrent = max;
                    break;
                case "rerun":
                    if (member.Value.ValueKind != JsonValueKind.String)
                    {
                        (field, problem) = ("rerun", RerunExpected);
                        return false;
                    }

                    rerun = member.Value.GetString();
                    break;
                case "downstream":
                    if (member.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        (field, problem) = ("downstream", "true or false");
                        return false;
                    }

                    downstream = member.Value.GetBoolean();
                    break;
                case "parameters" when member.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "parameters":
                    if (member.Value.ValueKind != JsonValueKind.Object)
                    {
                        (field, problem) = ("parameters", "a JSON object of parameter names and string values, such as { \"region\": \"eu\" }");
                        return false;
                    }

                    parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var parameter in member.Value.EnumerateObject())
                    {
                        if (parameter.Value.ValueKind != JsonValueKind.String)
                        {
                            (field, problem) = ($"parameters.{parameter.Name}", "a JSON string; the Data API binds every parameter as text");
                            return false;
                        }

                        parameters[parameter.Name] = parameter.Value.GetString()!;
                    }

                    break;
                default:
                    (field, problem) = (member.Name, "one of from, to, maxConcurrent, rerun, downstream, parameters");
                    return false;
            }
        }

        return TryRead(mart, from, to, maxConcurrent, rerun, downstream, parameters, out request, out field, out problem);
    }

    /// <summary>Reads the fields as text (the dashboard's form); null or empty optional fields take their defaults.</summary>
    public static bool TryReadForm(MartDefinition mart, string? from, string? to, string? maxConcurrent, string? rerun, bool downstream,
        out BackfillRequest request, out string field, out string problem)
    {
        ArgumentNullException.ThrowIfNull(mart);
        int? max = null;
        if (!string.IsNullOrWhiteSpace(maxConcurrent))
        {
            if (!int.TryParse(maxConcurrent.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                request = null!;
                (field, problem) = ("maxConcurrent", $"a whole number from 1 to {mart.MaxActiveRuns} (the mart's MaxActiveRuns)");
                return false;
            }

            max = parsed;
        }

        return TryRead(mart, from, to, max, string.IsNullOrWhiteSpace(rerun) ? null : rerun.Trim(), downstream, null, out request, out field, out problem);
    }

    private static bool TryRead(MartDefinition mart, string? fromText, string? toText, int? maxConcurrent, string? rerunText, bool downstream,
        Dictionary<string, string>? parameters, out BackfillRequest request, out string field, out string problem)
    {
        request = null!;
        if (!LogicalDateParser.TryParse(mart, fromText, out var from))
        {
            (field, problem) = ("from", LogicalDateParser.Expected);
            return false;
        }

        if (!LogicalDateParser.TryParse(mart, toText, out var to))
        {
            (field, problem) = ("to", LogicalDateParser.Expected);
            return false;
        }

        if (DateOnly.TryParseExact(toText!.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var lastDay)
            && LogicalDateParser.TryParse(mart, lastDay.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00", out var nextMidnight))
        {
            // A date alone as the end means "through that day".
            to = nextMidnight.AddSeconds(-1);
        }

        if (to < from)
        {
            (field, problem) = ("to", $"a time at or after from ({MartCalendar.Local(mart, from)})");
            return false;
        }

        var max = maxConcurrent ?? 1;
        if (max < 1 || max > mart.MaxActiveRuns)
        {
            (field, problem) = ("maxConcurrent", $"a whole number from 1 to {mart.MaxActiveRuns} (the mart's MaxActiveRuns; got {max})");
            return false;
        }

        var rerun = BackfillRerun.Missing;
        if (rerunText is not null)
        {
            switch (rerunText)
            {
                case "missing":
                    break;
                case "failed":
                    rerun = BackfillRerun.Failed;
                    break;
                case "all":
                    rerun = BackfillRerun.All;
                    break;
                default:
                    (field, problem) = ("rerun", RerunExpected);
                    return false;
            }
        }

        if (MartParameters.CheckOverrides(mart, parameters) is [var (parameterField, parameterProblem), ..])
        {
            (field, problem) = (parameterField, parameterProblem);
            return false;
        }

        request = new BackfillRequest(from, to) { MaxConcurrent = max, Rerun = rerun, Downstream = downstream, Parameters = parameters };
        (field, problem) = ("", "");
        return true;
    }
}
