using System.Text.Json;

namespace Scheduler.Runs;

/// <summary>The serializer settings of the run JSON (web defaults: camelCase, enums as strings by their own converters).</summary>
internal static class RunJson
{
    /// <summary>Options for <see cref="RunRecord"/> and <see cref="RunSubStatement"/>.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = false };
}
