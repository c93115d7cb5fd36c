using Scheduler.Sql;
using Scheduler.Runs;
using Scheduler.Marts.Calendar;
using Scheduler.Marts;

namespace Scheduler.Backfills;

/// <summary>The JSON of a backfill (<c>GET /api/backfills/{id}</c>, the list, the 202 of a new one), times in UTC and in the mart's zone.</summary>
internal static class BackfillJson
{
    /// <summary>The backfill, its totals and (when <paramref name="dates"/> is given) every planned date.</summary>
    public static Dictionary<string, object?> Of(Backfill backfill, IReadOnlyList<BackfillDate>? dates, MartDefinition? mart)
    {
        ArgumentNullException.ThrowIfNull(backfill);
        var json = new Dictionary<string, object?>
        {
            ["backfillId"] = backfill.BackfillId,
            ["kind"] = backfill.Kind,
            ["mart"] = backfill.Mart,
            ["from"] = backfill.From,
            ["to"] = backfill.To,
            ["maxConcurrent"] = backfill.MaxConcurrent,
            ["rerun"] = backfill.Rerun,
            ["downstream"] = backfill.Downstream,
            ["parameters"] = SecretNames.Hide(backfill.Parameters),
            ["status"] = backfill.Status,
            ["createdAt"] = backfill.CreatedAt,
            ["createdBy"] = backfill.CreatedBy,
            ["cancelledAt"] = backfill.CancelledAt,
            ["cancelledBy"] = backfill.CancelledBy,
            ["completedAt"] = backfill.CompletedAt,
            ["location"] = Location(backfill.BackfillId),
        };
        if (dates is not null)
        {
            json["totals"] = BackfillTotals.Of(dates);
            json["plannedDates"] = dates.Where(d => d.State != BackfillDateState.Excluded).Select(d => d.LogicalDate).ToList();
            json["dates"] = dates.Select(d => new Dictionary<string, object?>
            {
                ["logicalDate"] = d.LogicalDate,
                ["local"] = mart is null ? null : MartCalendar.Local(mart, d.LogicalDate),
                ["state"] = d.State,
                ["runId"] = d.RunId,
                ["runStatus"] = d.RunStatus,
                ["note"] = d.Note,
            }).ToList();
        }

        return json;
    }

    /// <summary>The API location of a backfill.</summary>
    public static string Location(Guid backfillId) => $"/api/backfills/{backfillId:D}";
}
