using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Scheduler.Tests.Packaging;

/// <summary>
/// The configuration keys a program reads, as far as its code shows them: options classes that declare a
/// <c>SectionName</c> (every settable property, recursively, with <c>*</c> for dictionary keys and list indexes),
/// <c>GetConnectionString("Name")</c> calls, whole-key string literals (<c>"Redshift:ServiceUrl"</c>), and keys
/// read piecewise (<c>section["Cron"]</c> in a file that reads the <c>"Marts"</c> section). Keys compare as
/// ASP.NET Core compares them: case-insensitively.
/// </summary>
internal sealed partial class ConfigurationKeys
{
    private readonly List<(string[] Segments, string Evidence)> _patterns = [];
    private readonly List<(string File, HashSet<string> Literals)> _files = [];

    private ConfigurationKeys()
    {
    }

    public static ConfigurationKeys For(Assembly assembly, string sourceFolder)
    {
        var keys = new ConfigurationKeys();
        foreach (var type in SafeTypes(assembly))
        {
            var field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
            if (field?.FieldType == typeof(string) && field.GetValue(null) is string section && section.Length > 0)
            {
                keys.AddOptions(section.Split(':'), type, $"{type.Name} (options bound to '{section}')", depth: 0);
            }
        }

        foreach (var file in Directory.EnumerateFiles(sourceFolder, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(sourceFolder, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }

            var code = File.ReadAllText(file);
            var literals = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (Match literal in StringLiteral().Matches(code))
            {
                var value = literal.Groups["value"].Value;
                literals.Add(value);
                if (WholeKey().IsMatch(value))
                {
                    keys._patterns.Add((value.Split(':'), $"the literal \"{value}\" in {relative}"));
                }
            }

            foreach (Match call in ConnectionStringCall().Matches(code))
            {
                keys._patterns.Add((["ConnectionStrings", call.Groups["name"].Value], $"GetConnectionString(\"{call.Groups["name"].Value}\") in {relative}"));
            }

            keys._files.Add((relative, literals));
        }

        return keys;
    }

    /// <summary>True when the code shows that <paramref name="key"/> (e.g. <c>Redshift:Region</c>) is read; says where.</summary>
    public bool IsRead(string key, out string evidence)
    {
        var segments = key.Split(':');
        foreach (var (pattern, where) in _patterns)
        {
            if (pattern.Length == segments.Length
                && pattern.Zip(segments).All(p => p.First == "*" || string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase)))
            {
                evidence = where;
                return true;
            }
        }

        if (segments.Length >= 2)
        {
            foreach (var (file, literals) in _files)
            {
                if (literals.Contains(segments[^1])
                    && literals.Any(l => l.Equals(segments[0], StringComparison.OrdinalIgnoreCase) || l.StartsWith(segments[0] + ":", StringComparison.OrdinalIgnoreCase)))
                {
                    evidence = $"\"{segments[^1]}\" read in {file}, which reads the '{segments[0]}' section";
                    return true;
                }
            }
        }

        evidence = string.Empty;
        return false;
    }

    private void AddOptions(string[] prefix, Type type, string evidence, int depth)
    {
        if (depth > 5)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = prefix.Append(property.Name).ToArray();
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(propertyType))
            {
                if (property.SetMethod?.IsPublic == true)
                {
                    _patterns.Add((key, evidence));
                }

                continue;
            }

            var dictionary = propertyType.GetInterfaces().Append(propertyType)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
            if (dictionary is not null)
            {
                AddElement([.. key, "*"], dictionary.GetGenericArguments()[1], evidence, depth);
                continue;
            }

            var enumerable = propertyType.GetInterfaces()
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
            if (enumerable is not null && typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                AddElement([.. key, "*"], enumerable.GetGenericArguments()[0], evidence, depth);
                continue;
            }

            AddOptions(key, propertyType, evidence, depth + 1);
        }
    }

    private void AddElement(string[] key, Type elementType, string evidence, int depth)
    {
        if (IsLeaf(elementType))
        {
            _patterns.Add((key, evidence));
        }
        else
        {
            AddOptions(key, elementType, evidence, depth + 1);
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);

    private static IEnumerable<Type> SafeTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }

    [GeneratedRegex(@"(?<![@$])""(?<value>(?:[^""\\\r\n]|\\.)*)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*(?::[A-Za-z0-9_]+)+$")]
    private static partial Regex WholeKey();

    [GeneratedRegex(@"GetConnectionString\(\s*""(?<name>[^""]+)""\s*\)")]
    private static partial Regex ConnectionStringCall();
}
