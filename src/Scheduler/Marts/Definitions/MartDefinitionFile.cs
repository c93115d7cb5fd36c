using System.Globalization;
using System.Text;
using System.Text.Json;
using Scheduler.Configuration;

namespace Scheduler.Marts.Definitions;

/// <summary>
/// One <c>&lt;name&gt;.mart.json</c> under <c>Sql:Root</c>, read into the flat keys of configuration
/// (<c>Poll:InitialInterval</c>, <c>DependsOn:0</c>) with the line each value is on. Comments and trailing commas are
/// allowed, as in <c>appsettings.json</c>.
/// </summary>
internal sealed class MartDefinitionFile
{
    /// <summary>The file name ending that makes a file a mart definition.</summary>
    public const string Suffix = ".mart.json";

    private static readonly JsonReaderOptions s_options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private MartDefinitionFile(string path, string relativePath, IReadOnlyDictionary<string, string?> values,
        IReadOnlyDictionary<string, int> lines, ConfigurationProblem? syntaxError)
    {
        Path = path;
        RelativePath = relativePath;
        Values = values;
        Lines = lines;
        SyntaxError = syntaxError;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The path relative to <c>Sql:Root</c>, with '/' separators: how problems name the file.</summary>
    public string RelativePath { get; }

    /// <summary>The mart's name: the file name without <see cref="Suffix"/>.</summary>
    public string MartName => NameOf(Path);

    /// <summary>The flattened keys (case-insensitive, as configuration keys) and their values.</summary>
    public IReadOnlyDictionary<string, string?> Values { get; }

    /// <summary>The 1-based line of each key in <see cref="Values"/>.</summary>
    public IReadOnlyDictionary<string, int> Lines { get; }

    /// <summary>Why the file could not be read or is not a JSON object, with its line; null when it was read.</summary>
    public ConfigurationProblem? SyntaxError { get; }

    /// <summary>The mart name a definition file stands for.</summary>
    public static string NameOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fileName = System.IO.Path.GetFileName(path);
        return fileName.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase) ? fileName[..^Suffix.Length] : fileName;
    }

    /// <summary>Reads the file. Never throws for bad content or I/O: those become <see cref="SyntaxError"/>.</summary>
    public static MartDefinitionFile Read(string path, string sqlRoot)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(sqlRoot);
        var relative = System.IO.Path.GetRelativePath(sqlRoot, path).Replace(System.IO.Path.DirectorySeparatorChar, '/');
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(path, relative, new ConfigurationProblem(relative, null, $"a readable mart definition file: {ex.Message}") { File = relative });
        }

        return Parse(path, relative, bytes);
    }

    /// <summary>Parses the bytes of a definition file (for tests and <see cref="Read"/>).</summary>
    public static MartDefinitionFile Parse(string path, string relativePath, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(relativePath);
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(bytes, s_options);
        var lineStarts = LineStarts(bytes);
        try
        {
            if (!reader.Read())
            {
                return Failed(path, relativePath, new ConfigurationProblem(relativePath, "", "a JSON object with the mart's keys ({ \"Cron\": \"0 3 * * *\" }); the file is empty") { File = relativePath });
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                var line = LineOf(lineStarts, reader.TokenStartIndex);
                return Failed(path, relativePath, new ConfigurationProblem(relativePath, Token(ref reader), "a JSON object with the mart's keys ({ \"Cron\": \"0 3 * * *\" })") { File = relativePath, Line = line });
            }

            ReadObject(ref reader, string.Empty, values, lines, lineStarts);
            if (reader.Read())
            {
                var line = LineOf(lineStarts, reader.TokenStartIndex);
                return Failed(path, relativePath, new ConfigurationProblem(relativePath, Token(ref reader), "nothing after the closing '}' of the mart's object") { File = relativePath, Line = line });
            }
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            var reason = ex.Message.Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
            return Failed(path, relativePath, new ConfigurationProblem(relativePath, null,
                string.Create(CultureInfo.InvariantCulture, $"valid JSON (comments and trailing commas are allowed); column {column}: {reason}")) { File = relativePath, Line = line });
        }

        return new MartDefinitionFile(path, relativePath, values, lines, null);
    }

    private static void ReadObject(ref Utf8JsonReader reader, string prefix, Dictionary<string, string?> values, Dictionary<string, int> lines, List<long> lineStarts)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            var line = LineOf(lineStarts, reader.TokenStartIndex);
            reader.Read();
            ReadValue(ref reader, prefix.Length == 0 ? key : $"{prefix}:{key}", line, values, lines, lineStarts);
        }
    }

    private static void ReadValue(ref Utf8JsonReader reader, string key, int line, Dictionary<string, string?> values, Dictionary<string, int> lines, List<long> lineStarts)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                lines[key] = line;
                ReadObject(ref reader, key, values, lines, lineStarts);
                break;
            case JsonTokenType.StartArray:
                lines[key] = line;
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ReadValue(ref reader, $"{key}:{index.ToString(CultureInfo.InvariantCulture)}", LineOf(lineStarts, reader.TokenStartIndex), values, lines, lineStarts);
                    index++;
                }

                break;
            case JsonTokenType.Null:
                values[key] = null;
                lines[key] = line;
                break;
            default:
                // Numbers and booleans as their JSON text, the way configuration's JSON provider reads them.
                values[key] = Token(ref reader);
                lines[key] = line;
                break;
        }
    }

    private static string Token(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String or JsonTokenType.PropertyName => reader.GetString() ?? string.Empty,
        JsonTokenType.StartObject => "{…}",
        JsonTokenType.StartArray => "[…]",
        _ => Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray()),
    };

    private static List<long> LineStarts(ReadOnlySpan<byte> bytes)
    {
        var starts = new List<long> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    private static int LineOf(List<long> lineStarts, long offset)
    {
        var index = lineStarts.BinarySearch(offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    /// <summary>A definition file that is not read at all (a link leading outside <c>Sql:Root</c>).</summary>
    internal static MartDefinitionFile Refused(string path, string relativePath, ConfigurationProblem problem) =>
        Failed(path, relativePath, problem);

    private static MartDefinitionFile Failed(string path, string relative, ConfigurationProblem problem) =>
        new(path, relative, new Dictionary<string, string?>(), new Dictionary<string, int>(), problem);
}
