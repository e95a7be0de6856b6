namespace FlowBalance.Actors.Configuration;

/// <summary>A certificate or key file that cannot be used; the message is for the operator.
/// <see cref="AboutKey"/>: the key file is at fault (for the key path of a config error).</summary>
public sealed class CertificateFileException(string message, bool aboutKey = false) : Exception(message)
{
    public bool AboutKey { get; } = aboutKey;
}
