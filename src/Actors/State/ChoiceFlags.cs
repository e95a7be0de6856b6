namespace FlowBalance.Actors.State;

/// <summary>The circumstances of a pick, beside its <see cref="ChoiceMethod"/>.</summary>
[Flags]
public enum ChoiceFlags : byte
{
    None = 0,

    /// <summary>The client's pool was the one its region (country or continent) is steered to.</summary>
    Region = 1,

    /// <summary>The backend is not from the client's pool: that pool had nothing that could take the request.</summary>
    Fallback = 2,

    /// <summary>The request's affinity key (a valid cookie, a header or IP hash) named a backend that could not take it.</summary>
    AffinityMoved = 4,

    /// <summary>The request's affinity cookie named no backend (forged, or from another configuration).</summary>
    AffinityUnknown = 8,

    /// <summary>Admitted as the one trial request of a suspect or half-open backend.</summary>
    Trial = 16,
}
