namespace FlowBalance.Plugins.Abstractions;

/// <summary>
/// The plugin contract's version. Changes within a major version are additive only (new types,
/// new interface members with default implementations), so a plugin built against 1.0 loads on
/// any 1.x host; a plugin built against a newer minor or another major is refused with a message.
/// </summary>
public static class PluginContract
{
    /// <summary>The contract version this assembly provides (also its assembly version, major.minor).</summary>
    public static Version Version => typeof(PluginContract).Assembly.GetName().Version ?? new Version(1, 0);
}
