namespace FlowBalance.Host.Admin.Store;

/// <summary>What the database refuses to store: values that would read back as nonsense later.</summary>
internal static class StoreArguments
{
    public static void Check(BackendOverride value)
    {
        if (value.Weight is null && value.State is null)
        {
            throw new ArgumentException("An override sets a weight, a state or both; to remove one, clear it.", nameof(value));
        }
        if (value.Weight < 0) throw new ArgumentOutOfRangeException(nameof(value), value.Weight, "A weight is 0 or more.");
        if (value.State is not null && !BackendOverride.States.Contains(value.State))
        {
            throw new ArgumentException($"Unknown state '{value.State}' (expected {string.Join(", ", BackendOverride.States)}).", nameof(value));
        }
    }

    public static void Check(ConfigRevision revision)
    {
        if (revision.Text is null) throw new ArgumentException("A revision keeps its config text, so it can be rolled back to.", nameof(revision));
        if (!ConfigRevision.Sources.Contains(revision.Source))
        {
            throw new ArgumentException($"Unknown source '{revision.Source}' (expected {string.Join(", ", ConfigRevision.Sources)}).", nameof(revision));
        }
    }
}
