using System.Globalization;
using System.Text;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>NextToken values: an offset into a result (GetStatementResult), a (createdAt, id) key (ListStatements).</summary>
internal static class PageTokens
{
    public static string EncodeOffset(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecodeOffset(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static string EncodeListKey(DateTimeOffset createdAt, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"after:{createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{id}"));

    public static (DateTimeOffset CreatedAt, Guid Id)? DecodeListKey(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
            if (parts.Length == 3 && parts[0] == "after"
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && Guid.TryParse(parts[2], out var id))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
            }
        }
        catch (FormatException)
        {
        }

        return null;
    }
}
