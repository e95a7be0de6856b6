using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary><c>cluster { }</c>: off by default; when on, seeds, a reachable address and the shared certificate are required; Akka's provider stays FlowBalance's.</summary>
public sealed class ClusterConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flowbalance-cluster-config").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_cluster_is_off_by_default()
    {
        var cluster = ConfigText.Load("flowbalance { demo_backends = 1 }").Cluster;

        Assert.False(cluster.Enabled);
        Assert.Empty(cluster.Seeds);
    }

    [Fact]
    public void Cluster_keys_are_read_in_flowbalance_words()
    {
        WriteCertificate("cluster");
        var result = ConfigLoader.Parse("""
            flowbalance {
              demo_backends = 1
              cluster {
                enabled = true, region = "eu-west", node_name = "lb-eu-1"
                bind = "0.0.0.0:4053", public_address = "10.0.0.5:4053"
                seeds = ["10.0.0.5:4053", "lb-us-1.example.com:4054", "[2001:db8::6]:4053", "10.0.0.7"]
                tls { certificate = "cluster.pem", key = "cluster.key" }
                stable_after = 30s
              }
            }
            """, null, _folder);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var cluster = result.Options!.Cluster;

        Assert.Equal((true, "eu-west", "lb-eu-1", "0.0.0.0:4053", "10.0.0.5:4053"), (cluster.Enabled, cluster.Region, cluster.NodeName, cluster.Bind.ToString(), cluster.PublicAddress.ToString()));
        Assert.Equal(["10.0.0.5:4053", "lb-us-1.example.com:4054", "[2001:db8::6]:4053", "10.0.0.7:4053"], cluster.Seeds.Select(s => s.ToString()));
        Assert.Equal((Path.Combine(_folder, "cluster.pem"), Path.Combine(_folder, "cluster.key"), TimeSpan.FromSeconds(30)), (cluster.Certificate, cluster.CertificateKey, cluster.StableAfter));
    }

    [Fact]
    public void An_enabled_cluster_needs_seeds_an_address_and_the_shared_certificate()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              demo_backends = 1
              cluster {
                enabled = true
                region = "EU West"
                seeds = ["10.0.0.5:99999"]
              }
            }
            """);

        Assert.Equal(
        [
            "flowbalance.cluster.region (line 5): must be a region such as \"eu-west\": lower-case letters, digits and '-', found 'EU West'",
            "flowbalance.cluster.seeds[0] (line 6): must be host:port such as \"10.0.0.5:4053\", found '10.0.0.5:99999'",
            "flowbalance.cluster.seeds (line 6): is required with enabled = true: the host:port of one or more nodes to join, the same ordered list on every node (the first one forms a new cluster)",
            "flowbalance.cluster.public_address (line 3): is required when bind is 0.0.0.0 (every interface): the host:port the other nodes reach this one at, such as \"10.0.0.5:4053\"",
            "flowbalance.cluster.tls (line 3): is required with enabled = true: the certificate and key every node shares, so no stranger can join (make one with: openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=flowbalance-cluster -keyout cluster.key -out cluster.pem, and copy both files to every node)",
        ], errors);
    }

    [Fact]
    public void A_key_that_is_not_the_certificate_s_is_refused_at_load()
    {
        WriteCertificate("cluster");
        WriteCertificate("other");
        var result = ConfigLoader.Parse("""
            flowbalance {
              demo_backends = 1
              cluster {
                enabled = true, bind = "127.0.0.1:4053", seeds = ["127.0.0.1:4053"]
                tls { certificate = "cluster.pem", key = "other.key" }
              }
            }
            """, null, _folder);

        var error = Assert.Single(result.Errors).ToString();
        Assert.StartsWith($"flowbalance.cluster.tls.key (line 5): {Path.Combine(_folder, "other.key")} is not a PEM private key for {Path.Combine(_folder, "cluster.pem")}", error);
    }

    /// <summary>A self-signed certificate and its key, as the README's openssl line makes them.</summary>
    private void WriteCertificate(string name)
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=flowbalance-cluster", rsa,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(Path.Combine(_folder, name + ".pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_folder, name + ".key"), rsa.ExportPkcs8PrivateKeyPem());
    }

    [Fact]
    public void The_akka_section_cannot_switch_remoting_on()
    {
        var errors = ConfigText.Errors("""
            flowbalance { demo_backends = 1 }
            akka.actor.provider = cluster
            """);

        Assert.Equal(["akka.actor.provider (line 2): is set by FlowBalance ('cluster' would open a remoting port to anyone): form a cluster with flowbalance.cluster { enabled = true, seeds, tls }; the akka section may still tune akka.cluster and akka.remote"], errors);
    }
}
