namespace FlowBalance.Host.Edge;

/// <summary>Marks a connection made to <c>admin.listen</c>: the admin plane answers there, and only there.</summary>
public sealed class AdminListenerFeature
{
    public static readonly AdminListenerFeature Instance = new();

    private AdminListenerFeature()
    {
    }
}
