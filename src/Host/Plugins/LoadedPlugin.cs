using System.Reflection;
using FlowBalance.Plugins.Abstractions;
using McMaster.NETCore.Plugins;

namespace FlowBalance.Host.Plugins;

/// <summary>
/// A plugin assembly loaded into its own collectible load context (McMaster.NETCore.Plugins): its
/// private dependencies stay inside it; the contract and ASP.NET Core types are the host's.
/// </summary>
public sealed class LoadedPlugin : IDisposable
{
    /// <summary>Assemblies whose types a plugin and the host must share for the contract to work.</summary>
    private static readonly Type[] SharedTypes = [typeof(IFlowBalancePlugin), typeof(HttpContext), typeof(ILogger)];

    private readonly PluginLoader _loader;

    private LoadedPlugin(PluginFolder folder, string assemblyPath, string version, IFlowBalancePlugin entry, PluginLoader loader)
    {
        Folder = folder;
        AssemblyPath = assemblyPath;
        Version = version;
        Entry = entry;
        _loader = loader;
    }

    public PluginFolder Folder { get; }

    public string AssemblyPath { get; }

    public string Version { get; }

    public IFlowBalancePlugin Entry { get; }

    /// <summary>Loads the plugin in <paramref name="folder"/>; throws <see cref="PluginLoadException"/> saying why it cannot.</summary>
    public static LoadedPlugin Load(PluginFolder folder)
    {
        var main = folder.MainAssembly(out var problem) ?? throw new PluginLoadException(problem!);
        CheckContract(main);
        // In memory: the files stay free to be replaced while this version runs (hot reload).
        var loader = PluginLoader.CreateFromAssemblyFile(main, isUnloadable: true, SharedTypes, config => config.LoadInMemory = true);
        try
        {
            var assembly = loader.LoadDefaultAssembly();
            var entry = CreateEntry(assembly);
            var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                ?? assembly.GetName().Version?.ToString() ?? "?";
            return new LoadedPlugin(folder, main, version, entry, loader);
        }
        catch (Exception e)
        {
            loader.Dispose();
            throw e is PluginLoadException ? e : new PluginLoadException(Describe(e));
        }
    }

    private static void CheckContract(string main)
    {
        Version? required;
        try
        {
            required = ContractCheck.ReferencedContract(main);
        }
        catch (BadImageFormatException e)
        {
            throw new PluginLoadException($"{Path.GetFileName(main)} is not a .NET assembly ({e.Message})");
        }
        if (ContractCheck.Problem(required, ContractCheck.Provided) is { } incompatible) throw new PluginLoadException(incompatible);
    }

    private static IFlowBalancePlugin CreateEntry(Assembly assembly)
    {
        var entries = assembly.GetExportedTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IFlowBalancePlugin).IsAssignableFrom(type))
            .ToList();
        if (entries.Count == 0) throw new PluginLoadException($"no public class in {assembly.GetName().Name} implements {nameof(IFlowBalancePlugin)}");
        if (entries.Count > 1)
        {
            throw new PluginLoadException($"several classes implement {nameof(IFlowBalancePlugin)} ({string.Join(", ", entries.Select(t => t.FullName))}); a plugin folder holds one plugin");
        }
        var type = entries[0];
        if (type.GetConstructor(Type.EmptyTypes) is null) throw new PluginLoadException($"{type.FullName} has no public parameterless constructor");
        try
        {
            return (IFlowBalancePlugin)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new PluginLoadException($"the constructor of {type.FullName} threw {e.InnerException.GetType().Name}: {e.InnerException.Message}");
        }
    }

    /// <summary>The loader's exceptions in operator words: a missing dependency names the file.</summary>
    internal static string Describe(Exception e) => e switch
    {
        ReflectionTypeLoadException types => string.Join("; ", types.LoaderExceptions.Where(x => x is not null).Select(x => Describe(x!)).Distinct()),
        FileNotFoundException missing => $"a dependency is missing: {missing.FileName ?? missing.Message}",
        FileLoadException load => $"a dependency could not be loaded: {load.FileName ?? ""} ({load.Message})",
        BadImageFormatException bad => $"not a loadable .NET assembly: {bad.Message}",
        TypeLoadException type => $"a type could not be loaded (built against other versions?): {type.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    public void Dispose() => _loader.Dispose(); // unloading waits for requests still running its code
}
