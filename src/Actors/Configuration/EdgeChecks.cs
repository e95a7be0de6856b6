using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>What the listeners, certificates and services must agree on, checked once they are all read.</summary>
internal static class EdgeChecks
{
    public static void Check(ImmutableArray<ListenEndpoint> listen, TlsOptions tls, IReadOnlyList<ServiceDefinition> services, ConfigErrors errors, ListenEndpoint? adminListen = null)
    {
        if (adminListen is { } admin)
        {
            if (admin.Https && !tls.HasCertificates) errors.Add("flowbalance.admin.listen", "an https:// admin listener needs certificates: tls.certificates or tls.acme");
            if (admin.Port != 0 && listen.Any(l => l.Port == admin.Port && (l.Host == admin.Host || l.Host is "0.0.0.0" or "*" or "+" or "::" || admin.Host is "0.0.0.0" or "*" or "+" or "::")))
            {
                errors.Add("flowbalance.admin.listen", $"'{admin.Url}' overlaps a listen address; the admin listener needs a port of its own");
            }
        }
        var https = listen.Any(l => l.Https);
        var plainHttp1 = listen.Any(l => !l.Https && l.Protocols != ListenEndpoint.H2c);
        if (https && !tls.HasCertificates)
        {
            errors.Add("flowbalance.listen", "an https:// listener needs certificates: tls.certificates (PEM files) or tls.acme (automatic)");
        }
        if (!https && tls.HasCertificates) errors.Warn("tls is configured but no listener is https://, so no certificate is served; add \"https://0.0.0.0:443\" to listen");
        if (tls.Acme is not null && !plainHttp1)
        {
            errors.Add("flowbalance.tls.acme", "ACME's HTTP-01 challenge is answered on a plain http:// listener (port 80 on the public internet); add one to listen");
        }
        foreach (var service in services)
        {
            if (service.Backends.FirstOrDefault(b => b.Url.Scheme == "https" && !b.Upstream.TlsVerify) is { } unverified)
            {
                errors.Warn($"service {service.Name}: tls_verify = false, so the certificate of {unverified.Url} (and any backend with it off) is not checked; anyone on the path can impersonate it (prefer ca_file)");
            }
            if (!https && (service.Settings.RedirectHttps || service.Settings.Hsts is not null))
            {
                errors.Add("flowbalance.listen", $"service {service.Name} sets {(service.Settings.RedirectHttps ? "redirect_https" : "hsts")}, which needs an https:// listener");
                continue;
            }
            if (!https || service.Hostname is not { } host || Covered(host, tls)) continue;
            var what = $"no certificate covers the hostname '{host}' of service {service.Name}";
            if (service.Settings.RedirectHttps) errors.Add("flowbalance.tls", $"{what}, but it redirects to HTTPS (redirect_https): add it to a certificate's hosts or to tls.acme.hosts");
            else errors.Warn($"{what}; HTTPS clients asking for it get {(tls.Default is { } d ? $"the default certificate ({d}) and a name mismatch" : "a handshake failure")}");
        }
    }

    private static bool Covered(string host, TlsOptions tls)
    {
        if (tls.Certificates.Any(c => c.Hosts.Any(h => PemCertificate.Matches(h, host)))) return true;
        return tls.Acme is { } acme && (acme.FromServices ? !host.StartsWith("*.", StringComparison.Ordinal) : acme.Hosts.Contains(host, StringComparer.OrdinalIgnoreCase));
    }
}
