using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace FlowBalance.Actors.Cluster;

/// <summary>
/// The serializer of every <see cref="IClusterMessage"/>: System.Text.Json under a manifest naming the message and
/// its version (<c>node-summary/1</c>). A new field is read as its default by older nodes and ignored by them
/// when they do not know it; an unknown manifest is a <see cref="SerializationException"/> (remoting drops that
/// one message and keeps the connection), so nodes of two versions stay in one cluster.
/// </summary>
public sealed class ClusterWireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka reserves 0–40; FlowBalance's own.</summary>
    public const int Id = 4053;

    private const string NodeSummaryManifest = "node-summary/1";

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        NodeSummary => NodeSummaryManifest,
        _ => throw new ArgumentException($"{o.GetType()} has no cluster manifest", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        NodeSummary summary => JsonSerializer.SerializeToUtf8Bytes(summary, ClusterJson.Default.NodeSummary),
        _ => throw new ArgumentException($"{obj.GetType()} has no cluster manifest", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        NodeSummaryManifest => JsonSerializer.Deserialize(bytes, ClusterJson.Default.NodeSummary)!,
        _ => throw new SerializationException($"unknown cluster manifest '{manifest}' (a newer FlowBalance node?)"),
    };
}

[JsonSerializable(typeof(NodeSummary))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class ClusterJson : JsonSerializerContext;
