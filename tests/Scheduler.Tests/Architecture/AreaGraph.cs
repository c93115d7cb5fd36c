using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Scheduler.Tests.Architecture;

/// <summary>
/// Which types of the Scheduler assembly use which, read from its IL with Mono.Cecil: signatures, attributes and every
/// type, method and field a method body names. Compiler-generated types (lambdas, async state machines) count as the
/// type that declares them, so a dependency hidden in a lambda is still seen.
/// </summary>
internal sealed class AreaGraph
{
    private const string Root = "Scheduler";

    private AreaGraph(Dictionary<string, HashSet<string>> uses) => TypeUses = uses;

    /// <summary>Every type of ours (full name, nested types with '/') to the types of ours it uses.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> TypeUses { get; }

    public static AreaGraph Load(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            var owner = Owner(type);
            if (owner is null)
            {
                continue;
            }

            if (!uses.TryGetValue(owner, out var set))
            {
                uses[owner] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            Collect(type, set);
            set.Remove(owner);
        }

        return new AreaGraph(uses);
    }

    /// <summary>The area of a type: the namespace's first segment under Scheduler (Scheduler.Runs.Store → Runs).</summary>
    public static string? AreaOf(string fullName)
    {
        var ns = NamespaceOf(fullName);
        if (ns == Root)
        {
            return "(root)";
        }

        if (!ns.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[(Root.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    /// <summary>The namespace of a type's outermost declaring type.</summary>
    public static string NamespaceOf(string fullName)
    {
        var outer = fullName.Split('/')[0];
        var dot = outer.LastIndexOf('.');
        return dot < 0 ? "" : outer[..dot];
    }

    /// <summary>Area → areas it uses, each edge with the type pairs that make it (for messages).</summary>
    public Dictionary<string, Dictionary<string, List<string>>> AreaEdges()
    {
        var edges = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        foreach (var (type, used) in TypeUses)
        {
            var from = AreaOf(type);
            if (from is null || from == "(root)")
            {
                continue;
            }

            foreach (var target in used)
            {
                var to = AreaOf(target);
                if (to is null || to == from || to == "(root)")
                {
                    continue;
                }

                if (!edges.TryGetValue(from, out var byTarget))
                {
                    edges[from] = byTarget = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                }

                if (!byTarget.TryGetValue(to, out var why))
                {
                    byTarget[to] = why = [];
                }

                why.Add($"{type} → {target}");
            }
        }

        return edges;
    }

    /// <summary>The top-level type that owns <paramref name="type"/> for dependency purposes; null when it is not ours.</summary>
    private static string? Owner(TypeDefinition type)
    {
        var outer = type;
        while (outer.DeclaringType is not null)
        {
            outer = outer.DeclaringType;
        }

        if (outer.Namespace != Root && !outer.Namespace.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        // A compiler-generated nested type (closure, state machine) is part of the type around it.
        var named = type;
        while (named.DeclaringType is not null && IsGenerated(named))
        {
            named = named.DeclaringType;
        }

        return IsGenerated(named) && named.DeclaringType is null ? null : named.FullName;
    }

    private static bool IsGenerated(TypeDefinition type) => type.Name.Contains('<', StringComparison.Ordinal) || type.Name.StartsWith("__", StringComparison.Ordinal);

    private static void Collect(TypeDefinition type, HashSet<string> into)
    {
        Add(type.BaseType, into);
        foreach (var i in type.Interfaces)
        {
            Add(i.InterfaceType, into);
        }

        AddAttributes(type, into);
        foreach (var field in type.Fields)
        {
            Add(field.FieldType, into);
            AddAttributes(field, into);
        }

        foreach (var property in type.Properties)
        {
            Add(property.PropertyType, into);
            AddAttributes(property, into);
        }

        foreach (var method in type.Methods)
        {
            Add(method.ReturnType, into);
            AddAttributes(method, into);
            foreach (var parameter in method.Parameters)
            {
                Add(parameter.ParameterType, into);
                AddAttributes(parameter, into);
            }

            if (!method.HasBody)
            {
                continue;
            }

            foreach (var local in method.Body.Variables)
            {
                Add(local.VariableType, into);
            }

            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t, into);
                        break;
                    case MethodReference m:
                        Add(m.DeclaringType, into);
                        Add(m.ReturnType, into);
                        foreach (var p in m.Parameters)
                        {
                            Add(p.ParameterType, into);
                        }

                        if (m is GenericInstanceMethod g)
                        {
                            foreach (var a in g.GenericArguments)
                            {
                                Add(a, into);
                            }
                        }

                        break;
                    case FieldReference f:
                        Add(f.DeclaringType, into);
                        Add(f.FieldType, into);
                        break;
                }
            }
        }
    }

    private static void AddAttributes(ICustomAttributeProvider provider, HashSet<string> into)
    {
        foreach (var attribute in provider.CustomAttributes)
        {
            Add(attribute.AttributeType, into);
            foreach (var argument in attribute.ConstructorArguments)
            {
                if (argument.Value is TypeReference t)
                {
                    Add(t, into);
                }
            }
        }
    }

    private static void Add(TypeReference? reference, HashSet<string> into)
    {
        switch (reference)
        {
            case null:
                return;
            case GenericInstanceType generic:
                Add(generic.ElementType, into);
                foreach (var argument in generic.GenericArguments)
                {
                    Add(argument, into);
                }

                return;
            case TypeSpecification spec: // arrays, by-ref, pointers, nullable wrappers
                Add(spec.ElementType, into);
                return;
            case GenericParameter:
                return;
        }

        var outer = reference;
        while (outer.DeclaringType is not null)
        {
            outer = outer.DeclaringType;
        }

        if (outer.Namespace == Root || outer.Namespace.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            into.Add(reference.FullName);
        }
    }
}
