using System.Globalization;
using System.Text.RegularExpressions;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>Statement ids as the service takes them: a UUID, optionally <c>:N</c> for a batch's N-th statement (1-based).</summary>
internal static partial class StatementIds
{
    [GeneratedRegex(@"^([a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12})(:([0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();

    public static (Guid Id, int? Index) Parse(string? raw)
    {
        if (raw is null)
        {
            throw ApiException.Missing("id");
        }

        var match = IdRegex().Match(raw);
        if (!match.Success)
        {
            throw ApiException.Validation($"1 validation error detected: Value '{raw}' at 'id' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]{{8}}(-[a-z0-9]{{4}}){{3}}-[a-z0-9]{{12}}(:\\d+)?$");
        }

        if (!Guid.TryParse(match.Groups[1].Value, out var id))
        {
            throw ApiException.NotFound(raw);
        }

        int? index = match.Groups[4].Success ? int.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture) : null;
        return (id, index);
    }
}
