using System.Globalization;
using System.Net;
using Scheduler.Backfills;
using Scheduler.Pausing;
using Scheduler.Runs;

namespace Scheduler.Dashboard;

/// <summary>Small HTML pieces shared by the Marts pages: encoding, status labels, times and durations.</summary>
internal static class DashboardHtml
{
    /// <summary>
    /// The global pause banner (empty when not paused), with a Resume button for an Admin when
    /// <paramref name="resumeUrl"/> is given.
    /// </summary>
    public static string PauseBanner(Scheduler.Pausing.PauseInfo? pause, string? resumeUrl, bool readOnly = true)
    {
        if (pause is null)
        {
            return string.Empty;
        }

        var by = pause.PausedBy is null ? "" : $" by {E(pause.PausedBy)}";
        var disabled = readOnly ? """ disabled="disabled" title="Resuming needs the Admin role" """ : " ";
        var button = resumeUrl is null
            ? ""
            : $"""<button type="button" class="btn btn-sm btn-success resume-all pull-right"{disabled}data-scheduler-command="{E(resumeUrl)}">Resume</button> """;
        return $"""
            <div class="alert alert-warning global-pause" role="alert">{button}<strong>Paused:</strong> no new run of any mart starts
            (schedules and Run now alike) since {E(Utc(pause.PausedAt))}{by}. Runs already in Redshift continue and are followed.</div>
            """;
    }

    /// <summary>HTML-encodes text (attributes included).</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A Bootstrap label for a run status.</summary>
    public static string StatusLabel(RunStatus status)
    {
        var kind = status switch
        {
            RunStatus.Succeeded => "success",
            RunStatus.Failed or RunStatus.TimedOut or RunStatus.Lost => "danger",
            RunStatus.Submitting or RunStatus.Running => "info",
            RunStatus.Cancelling => "warning",
            RunStatus.Queued => "primary",
            _ => "default",
        };
        return $"""<span class="label label-{kind} run-status" data-status="{status}">{status}</span>""";
    }

    /// <summary>An instant as <c>yyyy-MM-dd HH:mm:ss UTC</c>, or an en dash.</summary>
    public static string Utc(DateTimeOffset? instant) =>
        instant is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "–";

    /// <summary>An instant in a zone, with the zone's offset: <c>yyyy-MM-dd HH:mm (+01:00)</c>.</summary>
    public static string InZone(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString("yyyy-MM-dd HH:mm '('zzz')'", CultureInfo.InvariantCulture);
    }

    /// <summary>A duration for people: <c>450 ms</c>, <c>3.2 s</c>, <c>4 min 05 s</c>, <c>1 h 02 min</c>.</summary>
    public static string Duration(TimeSpan? span)
    {
        if (span is not { } d)
        {
            return "–";
        }

        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        return d.TotalSeconds switch
        {
            < 1 => string.Create(CultureInfo.InvariantCulture, $"{d.TotalMilliseconds:0} ms"),
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.0} s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalMinutes} min {d.Seconds:00} s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours} h {d.Minutes:00} min"),
        };
    }

    /// <summary>How a run was started, in words: <c>cron</c>, <c>manual</c>, <c>catch-up</c>, <c>backfill</c>, <c>retry #2</c>, <c>upstream</c>.</summary>
    public static string TriggerText(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Trigger switch
        {
            RunTrigger.Cron => "cron",
            RunTrigger.Manual => "manual",
            RunTrigger.CatchUp => "catch-up",
            RunTrigger.Backfill => "backfill",
            RunTrigger.Retry => string.Create(CultureInfo.InvariantCulture, $"retry #{run.Attempt}"),
            RunTrigger.Upstream => "upstream",
            _ => run.Trigger.ToString(),
        };
    }

    /// <summary>A run's logical date in its mart's zone (when known) and in UTC, as HTML.</summary>
    public static string LogicalDateHtml(DateTimeOffset logicalDate, TimeZoneInfo? zone) =>
        zone is null || zone == TimeZoneInfo.Utc
            ? $"""<span class="logical-date">{E(Utc(logicalDate))}</span>"""
            : $"""<span class="logical-date">{E(InZone(logicalDate, zone))} {E(zone.Id)}</span> <small class="text-muted logical-date-utc">{E(Utc(logicalDate))}</small>""";

    /// <summary>How long the run has taken: creation to completion, or to now while it is active.</summary>
    public static TimeSpan RunDuration(RunSummary run, DateTimeOffset now) => (run.CompletedAt ?? now) - run.CreatedAt;

    /// <summary>
    /// The box that shows a command's outcome and the script behind the command buttons. Buttons post through
    /// Hangfire's dashboard route with its antiforgery header (read from the layout's meta tags), with the fields of
    /// their form when they are in one marked <c>data-scheduler-form</c> (the Run now form), then show the
    /// outcome the server sends back, and go to the run's page when one was started. The outcome is kept (session
    /// storage) for the page it concerns, so it stays shown across that page's reloads; while a command is in flight the
    /// page is marked busy, and an active run's self-refresh waits for it rather than cut it off.
    /// </summary>
    public const string CommandScript =
        """<div id="scheduler-outcome" class="alert" role="status" style="display:none"></div><script>""" + CommandScriptBody + "</script>";

    /// <summary>Reloads an active run's page every two seconds, waiting while a command is in flight (its outcome is kept across reloads).</summary>
    public const string RefreshScript = "<script>" + RefreshScriptBody + "</script>";

    /// <summary>
    /// Every inline script our pages write, exactly as written: the Content-Security-Policy allows these by hash
    /// (<c>'sha256-…'</c>) instead of allowing any inline script.
    /// </summary>
    public static IReadOnlyList<string> InlineScripts { get; } = [CommandScriptBody, RefreshScriptBody, BackfillFormScriptBody];

    /// <summary>
    /// Sends a form marked <c>data-scheduler-form</c> (the Backfill form) as a command: its fields posted with the
    /// antiforgery header; the outcome is shown in the command box, and a started backfill's page is opened.
    /// </summary>
    public const string BackfillFormScript = "<script>" + BackfillFormScriptBody + "</script>";

    private const string BackfillFormScriptBody = """
        document.addEventListener('DOMContentLoaded', function () {
          var box = document.getElementById('scheduler-outcome');
          document.querySelectorAll('form[data-scheduler-form]').forEach(function (form) {
            form.addEventListener('submit', function (event) {
              event.preventDefault();
              var button = form.querySelector('button[type=submit]');
              if (button.disabled) { return; }
              button.disabled = true;
              var headers = { 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' };
              var header = document.querySelector('meta[name="csrf-header"]');
              var token = document.querySelector('meta[name="csrf-token"]');
              if (header && token) { headers[header.getAttribute('content')] = token.getAttribute('content'); }
              fetch(form.getAttribute('data-scheduler-form'), { method: 'POST', headers: headers, credentials: 'same-origin', body: new URLSearchParams(new FormData(form)).toString() })
                .then(function (response) {
                  return response.json()
                    .catch(function () { return { message: 'The server answered ' + response.status + '.' }; })
                    .then(function (body) { return { ok: response.ok, body: body }; });
                })
                .then(function (result) {
                  box.className = 'alert alert-' + (result.ok ? 'success' : 'danger'); box.textContent = result.body.message; box.style.display = 'block';
                  if (result.ok && result.body.runUrl) { window.location.href = result.body.runUrl; } else { button.disabled = false; }
                })
                .catch(function (error) { box.className = 'alert alert-danger'; box.textContent = 'The command failed: ' + error; box.style.display = 'block'; button.disabled = false; });
            });
          });
        });
        """;

    private const string RefreshScriptBody =
        "setTimeout(function refresh() { if (document.body.hasAttribute('data-scheduler-busy')) { setTimeout(refresh, 500); } else { window.location.reload(); } }, 2000);";

    private const string CommandScriptBody = """
        document.addEventListener('DOMContentLoaded', function () {
          var box = document.getElementById('scheduler-outcome');
          function show(kind, text) { box.className = 'alert alert-' + kind; box.textContent = text; box.style.display = 'block'; }
          var kept = null;
          try { kept = JSON.parse(window.sessionStorage.getItem('scheduler-outcome') || 'null'); } catch (e) { kept = null; }
          if (kept && kept.path === window.location.pathname) { show(kept.kind, kept.text); }
          else { window.sessionStorage.removeItem('scheduler-outcome'); }
          function keep(path, kind, text) { window.sessionStorage.setItem('scheduler-outcome', JSON.stringify({ path: path, kind: kind, text: text })); }
          document.querySelectorAll('form[data-scheduler-form]').forEach(function (form) {
            form.addEventListener('submit', function (event) { event.preventDefault(); form.querySelector('[data-scheduler-command]').click(); });
          });
          document.querySelectorAll('[data-scheduler-command]').forEach(function (button) {
            button.addEventListener('click', function () {
              if (button.disabled) { return; }
              var question = button.getAttribute('data-confirm');
              if (question && !window.confirm(question)) { return; }
              button.disabled = true;
              document.body.setAttribute('data-scheduler-busy', '1');
              var headers = { 'Accept': 'application/json' };
              var header = document.querySelector('meta[name="csrf-header"]');
              var token = document.querySelector('meta[name="csrf-token"]');
              if (header && token) { headers[header.getAttribute('content')] = token.getAttribute('content'); }
              var form = button.closest('form[data-scheduler-form]');
              var request = { method: 'POST', headers: headers, credentials: 'same-origin' };
              if (form) { request.body = new URLSearchParams(new FormData(form)); }
              fetch(button.getAttribute('data-scheduler-command'), request)
                .then(function (response) {
                  return response.json()
                    .catch(function () { return { message: 'The server answered ' + response.status + '.' }; })
                    .then(function (body) { return { ok: response.ok, body: body }; });
                })
                .then(function (result) {
                  var kind = result.ok ? 'success' : (result.body.outcome === 'skipped' || result.body.outcome === 'not-active' || result.body.outcome === 'refused' ? 'warning' : 'danger');
                  show(kind, result.body.message);
                  if (result.ok && result.body.runUrl) {
                    keep(new URL(result.body.runUrl, window.location.href).pathname, kind, result.body.message);
                    setTimeout(function () { window.location.href = result.body.runUrl; }, 700);
                  }
                  else if (result.ok) { keep(window.location.pathname, kind, result.body.message); setTimeout(function () { window.location.reload(); }, 700); }
                  else { button.disabled = false; document.body.removeAttribute('data-scheduler-busy'); }
                })
                .catch(function (error) { show('danger', 'The command failed: ' + error); button.disabled = false; document.body.removeAttribute('data-scheduler-busy'); });
            });
          });
        });
        """;
}
