namespace Scheduler.Marts;

/// <summary>The validated marts, in configuration order.</summary>
internal sealed class MartCatalog : IMartCatalog
{
    private readonly Dictionary<string, MartDefinition> _byName;

    /// <summary>Creates a catalog over already-validated definitions.</summary>
    public MartCatalog(IEnumerable<MartDefinition> marts)
    {
        ArgumentNullException.ThrowIfNull(marts);
        Marts = [.. marts];
        _byName = Marts.ToDictionary(m => m.Name, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public IReadOnlyList<MartDefinition> Marts { get; }

    /// <inheritdoc />
    public MartDefinition? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(name);
    }
}
