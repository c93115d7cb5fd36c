using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using RedshiftDataEmulator;
using Scheduler.Configuration;
using Scheduler.Marts;
using Scheduler.Marts.Live;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Docs;

/// <summary>
/// Every configuration key the code reads, found three ways so that a new key needs no list here:
/// options classes (a <c>const string SectionName</c> and their properties, with their defaults), the mart keys
/// <see cref="MartConfiguration.MartKeys"/> and <see cref="MartReloadSettings.Keys"/>, and a scan of the sources for
/// key-shaped string literals (<c>"Sql:Root"</c>, <c>$"Kestrel:Endpoints:{name}:Url"</c>) and
/// <c>GetConnectionString("…")</c>, which catches keys read by hand.
/// </summary>
internal static partial class ConfigurationKeys
{
    private static readonly Assembly[] s_assemblies = [typeof(MartConfiguration).Assembly, typeof(EmulatorOptions).Assembly];

    private static readonly string[] s_sourceFolders = ["src/Scheduler", "src/RedshiftDataEmulator"];

    public static IReadOnlyList<ConfigurationKey> FromOptionsClasses()
    {
        var keys = new List<ConfigurationKey>();
        foreach (var type in s_assemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsClass && !t.IsAbstract))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section)
            {
                AddProperties(type, section, type.Name, keys);
            }
        }

        return keys;
    }

    public static IReadOnlyList<ConfigurationKey> FromMartKeys()
    {
        var keys = new List<ConfigurationKey>();
        var martKeys = MartConfiguration.MartKeys;
        // Sections (Poll, Redshift, Alerts) are documented by the keys inside them.
        foreach (var key in martKeys.Where(k => !martKeys.Any(other => other.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase))))
        {
            keys.Add(new($"Marts:<*>:{key}", null, nameof(MartConfiguration.MartKeys)));
        }

        var defaults = MartReloadSettings.Read(new ConfigurationBuilder().Build(), new List<ConfigurationProblem>());
        foreach (var key in MartReloadSettings.Keys)
        {
            var value = typeof(MartReloadSettings).GetProperty(key)?.GetValue(defaults);
            keys.Add(new($"Marts:{key}", Format(value), nameof(MartReloadSettings)));
        }

        return keys;
    }

    public static IReadOnlyList<ConfigurationKey> FromSourceLiterals()
    {
        var keys = new List<ConfigurationKey>();
        foreach (var folder in s_sourceFolders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RunHarness.RepositoryRoot, folder), "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                var relative = Path.GetRelativePath(RunHarness.RepositoryRoot, file);
                foreach (var line in File.ReadLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)))
                {
                    foreach (Match match in KeyLiteral().Matches(line))
                    {
                        keys.Add(new(ConfigurationKey.Normalize(match.Groups["key"].Value), null, relative));
                    }

                    foreach (Match match in ConnectionStringRead().Matches(line))
                    {
                        keys.Add(new($"ConnectionStrings:{match.Groups["name"].Value}", null, relative));
                    }
                }
            }
        }

        return keys;
    }

    /// <summary>How a default is written in docs/configuration.md: invariant, TimeSpans as <c>c</c>, booleans lower-case.</summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        string text => text.Length == 0 ? null : text,
        bool flag => flag ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static void AddProperties(Type type, string prefix, string origin, List<ConfigurationKey> keys)
    {
        var instance = Activator.CreateInstance(type);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = property.PropertyType;
            if (IsLeaf(propertyType))
            {
                // A computed property (no setter) is not bound from configuration.
                if (property.CanWrite)
                {
                    keys.Add(new(key, Format(property.GetValue(instance)), origin));
                }
            }
            else if (DictionaryValueType(propertyType) is { } valueType)
            {
                if (IsLeaf(valueType))
                {
                    keys.Add(new($"{key}:<*>", null, origin));
                }
                else
                {
                    AddProperties(valueType, $"{key}:<*>", origin, keys);
                }
            }
            else if (typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                keys.Add(new(key, null, origin));
            }
            else if (propertyType.IsClass && propertyType.GetConstructor(Type.EmptyTypes) is not null)
            {
                AddProperties(propertyType, key, origin, keys);
            }
        }
    }

    private static bool IsLeaf(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(TimeSpan)
            || underlying == typeof(decimal) || underlying == typeof(Uri) || underlying == typeof(DateTimeOffset);
    }

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>) && i.GetGenericArguments()[0] == typeof(string))
            ?.GetGenericArguments()[1];

    // "Section:Key" or $"Section:{x}:Key": PascalCase segments (or interpolations) joined by colons.
    [GeneratedRegex(@"\$?""(?<key>[A-Z][A-Za-z]*(?::(?:[A-Z][A-Za-z]*|\{[^}""]+\}))+)""")]
    private static partial Regex KeyLiteral();

    [GeneratedRegex(@"GetConnectionString\(""(?<name>[A-Za-z]+)""\)")]
    private static partial Regex ConnectionStringRead();
}
