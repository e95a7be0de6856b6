using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using FlowBalance.Plugins.Abstractions;

namespace FlowBalance.Host.Plugins;

/// <summary>
/// Which plugin contract an assembly was built against, read from its metadata before anything is
/// loaded (a wrong version would otherwise fail later with a bare TypeLoadException).
/// </summary>
public static class ContractCheck
{
    public const string ContractAssembly = "FlowBalance.Plugins.Abstractions";

    /// <summary>The contract version <paramref name="assemblyPath"/> references; null when it references none.</summary>
    /// <exception cref="BadImageFormatException">Not a .NET assembly.</exception>
    public static Version? ReferencedContract(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) throw new BadImageFormatException("not a .NET assembly (no metadata)");
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.AssemblyReferences)
        {
            var reference = metadata.GetAssemblyReference(handle);
            if (metadata.StringComparer.Equals(reference.Name, ContractAssembly)) return reference.Version;
        }
        return null;
    }

    /// <summary>Why a plugin built against <paramref name="required"/> cannot run on <paramref name="provided"/>, or null when it can.</summary>
    public static string? Problem(Version? required, Version provided)
    {
        var have = $"{provided.Major}.{provided.Minor}";
        if (required is null) return $"it does not reference {ContractAssembly}, so it is not a FlowBalance plugin";
        var need = $"{required.Major}.{required.Minor}";
        if (required.Major != provided.Major)
        {
            return $"it was built against plugin contract {need}, and this FlowBalance provides {have}: rebuild it against {ContractAssembly} {provided.Major}.x";
        }
        return required.Minor > provided.Minor
            ? $"it needs plugin contract {need} or newer, and this FlowBalance provides {have}: upgrade FlowBalance or build the plugin against {have}"
            : null;
    }

    public static Version Provided => PluginContract.Version;
}
