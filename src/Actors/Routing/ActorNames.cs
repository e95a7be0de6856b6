namespace FlowBalance.Actors.Routing;

/// <summary>Stable, readable actor names: <c>/user/config/service-{name}/backend-{id}</c>.</summary>
public static class ActorNames
{
    public const string Config = "config";

    public static string Service(string name) => "service-" + Uri.EscapeDataString(name);

    public static string Backend(string id) => "backend-" + Uri.EscapeDataString(id);
}
