using System.Globalization;
using System.Text;

namespace Scheduler.Security;

/// <summary>
/// User-supplied text as it may be logged: control characters (CR, LF, ESC…) escaped as <c>\n</c> or <c>\u001B</c>,
/// so that a user name cannot end a log line and forge the next one, nor drive a terminal that shows the log.
/// </summary>
internal static class LogText
{
    /// <summary>The text with every control character escaped, and a backslash doubled so an escape cannot be faked.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        if (!text.Any(c => char.IsControl(c) || c == '\\' || c is '\u2028' or '\u2029'))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\\' => @"\\",
                '\r' => @"\r",
                '\n' => @"\n",
                '\t' => @"\t",
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
