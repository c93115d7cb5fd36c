using System.Text.Json;
using Scheduler.Marts;
using Scheduler.Marts.Calendar;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;

namespace Scheduler.Api;

/// <summary>
/// The optional body of <c>POST /api/marts/{name}/runs</c>:
/// <c>{ "logicalDate": "2026-12-01", "parameters": { "region": "eu" }, "downstream": true }</c>. Every member is optional;
/// a member of the wrong type, an unknown member or an unreadable date is refused naming the field.
/// </summary>
internal static class ManualRunBody
{
    /// <summary>The largest body read.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Reads the body into a manual <see cref="RunRequest"/>, or says which field is wrong and what was expected.</summary>
    public static bool TryRead(JsonElement? body, MartDefinition mart, out RunRequest request, out string field, out string problem)
    {
        ArgumentNullException.ThrowIfNull(mart);
        request = new RunRequest(RunTrigger.Manual);
        field = "";
        problem = "";
        if (body is not { } root || root.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            (field, problem) = ("(body)", "a JSON object such as { \"logicalDate\": \"2026-12-01\" } (or no body)");
            return false;
        }

        foreach (var member in root.EnumerateObject())
        {
            switch (member.Name)
            {
                case "logicalDate" when member.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "logicalDate":
                    if (member.Value.ValueKind != JsonValueKind.String || !LogicalDateParser.TryParse(mart, member.Value.GetString(), out var date))
                    {
                        (field, problem) = ("logicalDate", $"{LogicalDateParser.Expected}, as a JSON string");
                        return false;
                    }

                    request = request with { LogicalDate = date };
                    break;
                case "parameters" when member.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "parameters":
                    if (member.Value.ValueKind != JsonValueKind.Object)
                    {
                        (field, problem) = ("parameters", "a JSON object of parameter names and string values, such as { \"region\": \"eu\" }");
                        return false;
                    }

                    var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var parameter in member.Value.EnumerateObject())
                    {
                        if (parameter.Value.ValueKind != JsonValueKind.String)
                        {
                            (field, problem) = ($"parameters.{parameter.Name}", $"a JSON string (got {Describe(parameter.Value.ValueKind)}); the Data API binds every parameter as text");
                            return false;
                        }

                        parameters[parameter.Name] = parameter.Value.GetString()!;
                    }

                    request = request with { Parameters = parameters };
                    break;
                case "downstream":
                    if (member.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        (field, problem) = ("downstream", $"true or false (got {Describe(member.Value.ValueKind)})");
                        return false;
                    }

                    request = request with { Downstream = member.Value.GetBoolean() };
                    break;
                default:
                    (field, problem) = (member.Name, "one of logicalDate, parameters, downstream");
                    return false;
            }
        }

        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        _ => "nothing",
    };
}
