namespace Scheduler.Marts;

/// <summary>The marts configured at start-up, validated.</summary>
internal interface IMartCatalog
{
    IReadOnlyList<MartDefinition> Marts { get; }

    /// <summary>The mart with this name (ordinal, case-sensitive), or null.</summary>
    MartDefinition? Find(string name);
}
