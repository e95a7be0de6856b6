using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Turns <c>hocon.conf</c> into validated <see cref="FlowBalanceOptions"/> once. Every problem is
/// collected (not just the first) so an operator fixes the file in one go.
/// </summary>
public static class ConfigLoader
{
    public const string DefaultBackendsVariable = "DEFAULT_BACKENDS";

    /// <param name="environment">Where <c>${NAME}</c> substitutions come from; null = the process environment.</param>
    public static ConfigLoadResult LoadFile(string path, string? defaultBackends, Func<string, string?>? environment = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        // Relative paths in the file (plugins_dir, geo.database) mean next to it, wherever the balancer started.
        return ReadFile(full, out var error) is { } text ? Parse(text, defaultBackends, System.IO.Path.GetDirectoryName(full), environment) : Failed(error!);
    }

    /// <summary>The config file's text, or null with <paramref name="error"/> saying why (missing, a directory, unreadable, over the size limit).</summary>
    public static string? ReadFile(string path, out ConfigError? error)
    {
        var full = System.IO.Path.GetFullPath(path);
        error = null;
        if (Directory.Exists(full)) error = new ConfigError(null, null, $"{full} is a directory; give the config file itself (e.g. {System.IO.Path.Combine(full, "hocon.conf")})");
        else if (!File.Exists(full)) error = new ConfigError(null, null, $"config file not found: {full}");
        else
        {
            try
            {
                if (ReadAtMost(full, ConfigLimits.MaxBytes) is { } text) return text;
                error = TooLarge(full);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = new ConfigError(null, null, $"cannot read config file {full}: {e.Message}");
            }
        }
        return null;
    }

    /// <summary>The error for a config text of more than <see cref="ConfigLimits.MaxBytes"/> characters (from <paramref name="where"/>).</summary>
    public static ConfigError TooLarge(string where) =>
        new(null, null, $"config file {where} is larger than {ConfigLimits.MaxBytes / (1024 * 1024)} MiB (the limit)");

    /// <param name="text">The file's text.</param>
    /// <param name="defaultBackends">The DEFAULT_BACKENDS environment variable, if set.</param>
    /// <param name="baseDirectory">What relative paths are relative to (the config file's folder); null = the working directory.</param>
    /// <param name="environment">Where <c>${NAME}</c> substitutions come from; null = the process environment.</param>
    public static ConfigLoadResult Parse(string text, string? defaultBackends, string? baseDirectory = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var (outline, hocon, syntax) = HoconText.Parse(text, environment);
        if (syntax.Count > 0) return new ConfigLoadResult(null, null, syntax);

        var errors = new ConfigErrors(outline, baseDirectory);
        var section = hocon!.Root.GetObject().Items.TryGetValue("flowbalance", out var value) ? new ConfigNode(value, "flowbalance", errors) : (ConfigNode?)null;
        if (section is { IsObject: false } notObject)
        {
            errors.Add(notObject.Path, "expected an object: flowbalance { ... }");
            return new ConfigLoadResult(null, hocon, errors.All);
        }
        var options = Read(section, defaultBackends, baseDirectory ?? Environment.CurrentDirectory, environment, errors);
        CheckAkkaLogLevel(hocon, errors);
        CheckAkkaProvider(hocon, errors);
        return errors.All.Count > 0 ? new ConfigLoadResult(null, hocon, errors.All) : new ConfigLoadResult(options, hocon, []);
    }

    private static FlowBalanceOptions Read(ConfigNode? root, string? defaultBackends, string baseDirectory, Func<string, string?> environment, ConfigErrors errors)
    {
        if (root is { } r) ConfigKeys.CheckUnknown(r, ConfigKeys.Root);
        var listen = root?.Child("listen") is { } l ? ListenReader.Read(l) : null;
        var demo = root?.Child("demo_backends")?.Int(0, 16) ?? 0;
        var shutdown = root?.Child("shutdown_timeout")?.Duration(TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromMinutes(10));
        var pluginsDir = root?.Child("plugins_dir")?.FullPath(baseDirectory) ?? System.IO.Path.GetFullPath("plugins", baseDirectory);
        var stateDir = root?.Child("state_dir")?.FullPath(baseDirectory) ?? System.IO.Path.GetFullPath("state", baseDirectory);
        var tls = TlsReader.Read(root?.Child("tls"), baseDirectory, stateDir, errors);
        var admin = AdminReader.Read(root?.Child("admin"), stateDir, baseDirectory, environment);
        var cluster = ClusterReader.Read(root?.Child("cluster"), baseDirectory);
        var geo = GeoReader.Read(root?.Child("geo"), root?.Child("trusted_proxies"), baseDirectory);
        var log = ObservabilityReader.ReadLog(root?.Child("log"));
        var events = ObservabilityReader.ReadEvents(root?.Child("events"));
        var metrics = ObservabilityReader.ReadMetrics(root?.Child("metrics"));
        var requestLog = ObservabilityReader.ReadRequestLog(root?.Child("request_log"));
        var webhooks = NotificationsReader.Read(root?.Child("notifications"));
        var accessLog = ObservabilityReader.ReadAccessLog(root?.Child("access_log"), baseDirectory);

        var services = new List<ServiceDefinition>();
        if (root is { } top && (top.Child("hostname") is not null || top.Child("backends") is not null || top.Child("pools") is not null))
        {
            if (ServiceReader.Read(top, defaults: null, checkKeys: false) is { } single) services.Add(single);
        }
        if (root?.Child("services") is { } list)
        {
            if (!list.IsArray) errors.Add(list.Path, "expected a list of services [ { hostname, backends }, ... ]");
            foreach (var element in list.Elements())
            {
                if (ServiceReader.Read(element, root) is { } service) services.Add(service);
            }
        }
        if (ReadDefaultBackends(root, defaultBackends, environment, errors) is { } fromVariable)
        {
            // DEFAULT_BACKENDS defines its service, or replaces the one with the same hostname.
            services.RemoveAll(s => s.Hostname == fromVariable.Hostname);
            services.Add(fromVariable);
        }
        CheckDuplicates(services, errors);
        if (services.Count == 0 && demo == 0)
        {
            errors.Add("flowbalance", "no service is configured: set hostname and backends, services, DEFAULT_BACKENDS, or demo_backends");
        }
        var defaults = SettingsReader.Read(root, defaults: null, ServiceSettings.Default);
        var plugins = PluginsReader.Read(root?.Child("plugins"), services.Select(s => s.Name).ToList(), errors);
        EdgeChecks.Check(listen ?? FlowBalanceOptions.DefaultListen, tls, services, errors, admin.Listen);
        return new FlowBalanceOptions(listen ?? FlowBalanceOptions.DefaultListen, demo, pluginsDir, [.. services], defaults, plugins, geo, [.. errors.Warnings])
        {
            ShutdownTimeout = shutdown ?? FlowBalanceOptions.DefaultShutdownTimeout,
            Log = log,
            Events = events,
            Metrics = metrics,
            RequestLog = requestLog,
            Webhooks = webhooks,
            AccessLog = accessLog,
            Tls = tls,
            StateDirectory = stateDir,
            Admin = admin,
            Cluster = cluster,
        };
    }

    private static ServiceDefinition? ReadDefaultBackends(ConfigNode? root, string? environmentValue, Func<string, string?> environment, ConfigErrors errors)
    {
        var fromVars = root?.Child("vars") is { } vars ? ReadVars(vars) : null;
        var (json, source) = !string.IsNullOrWhiteSpace(environmentValue)
            ? (environmentValue, DefaultBackendsVariable)
            : (fromVars, "flowbalance.vars.DEFAULT_BACKENDS");
        if (json is null) return null;
        var parsed = HoconText.Parse(json, environment);
        if (parsed.Hocon is null)
        {
            errors.Add(source, $"is not valid JSON such as {{\"hostname\": \"example.com\", \"backends\": [\"https://server1.com\"]}} ({parsed.Errors[0]})");
            return null;
        }
        var node = new ConfigNode(parsed.Hocon.Root, source, errors);
        return ServiceReader.Read(node, root);
    }

    private static string? ReadVars(ConfigNode vars)
    {
        if (!vars.IsObject)
        {
            vars.Errors.Add(vars.Path, "expected an object { DEFAULT_BACKENDS = \"...\" }");
            return null;
        }
        ConfigKeys.CheckUnknown(vars, ConfigKeys.Vars);
        return vars.Child(DefaultBackendsVariable)?.String();
    }

    /// <summary>Why a <c>--listen</c> value is not a usable listen address, or null.</summary>
    public static string? ListenProblem(string listen) => ListenUrls.Problem(listen);

    /// <summary>What <c>--listen</c> values break in an otherwise valid configuration (an https:// listener without certificates…).</summary>
    public static IReadOnlyList<string> ListenOverrideProblems(ImmutableArray<ListenEndpoint> listen, FlowBalanceOptions options)
    {
        var errors = new ConfigErrors(null);
        EdgeChecks.Check(listen, options.Tls, options.Services, errors, options.Admin.Listen);
        return [.. errors.All.Select(e => e.Message)];
    }

    /// <summary>The listeners of <c>--listen</c> values (each checked with <see cref="ListenProblem"/>).</summary>
    public static ImmutableArray<ListenEndpoint> ListenFromCommandLine(IEnumerable<string> values) => ListenReader.FromText(values);

    public static readonly string[] AkkaLogLevels = ["DEBUG", "INFO", "WARNING", "ERROR", "OFF"];

    /// <summary>The host hands <c>akka.loglevel</c> to Akka.NET's logger bridge itself, so it is checked here like any key.</summary>
    private static void CheckAkkaLogLevel(Akka.Configuration.Config hocon, ConfigErrors errors)
    {
        if (!hocon.HasPath("akka.loglevel")) return;
        var value = hocon.GetString("akka.loglevel")?.Trim() ?? "";
        if (!AkkaLogLevels.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("akka.loglevel", $"must be one of {string.Join(", ", AkkaLogLevels)}, found '{value}'");
        }
    }

    /// <summary>
    /// The actor system's provider is FlowBalance's to set: <c>akka.actor.provider = cluster</c> alone would open
    /// Akka's remoting port (0.0.0.0:2552 by default) to anyone, outside <c>flowbalance.cluster</c>'s rules.
    /// </summary>
    private static void CheckAkkaProvider(Akka.Configuration.Config hocon, ConfigErrors errors)
    {
        if (!hocon.HasPath("akka.actor.provider")) return;
        var value = hocon.GetString("akka.actor.provider")?.Trim() ?? "";
        if (value.Equals("local", StringComparison.OrdinalIgnoreCase) || value.StartsWith("Akka.Actor.LocalActorRefProvider", StringComparison.Ordinal)) return;
        errors.Add("akka.actor.provider", $"is set by FlowBalance ('{value}' would open a remoting port to anyone): form a cluster with flowbalance.cluster {{ enabled = true, seeds, tls }}; the akka section may still tune akka.cluster and akka.remote");
    }

    private static void CheckDuplicates(List<ServiceDefinition> services, ConfigErrors errors)
    {
        foreach (var group in services.GroupBy(s => s.Hostname ?? "*").Where(g => g.Count() > 1))
        {
            errors.Add("flowbalance.services", group.Key == "*"
                ? "more than one catch-all service (no hostname, or \"*\"); give all but one a hostname"
                : $"duplicate hostname '{group.Key}' (services {string.Join(", ", group.Select(s => s.Name))})");
        }
        foreach (var group in services.GroupBy(s => s.Name).Where(g => g.Count() > 1 && g.Select(s => s.Hostname).Distinct().Count() > 1))
        {
            errors.Add("flowbalance.services", $"duplicate service name '{group.Key}'");
        }
    }

    /// <summary>The file's text, or null when it has more than <paramref name="limit"/> characters (read no further: it may be endless).</summary>
    private static string? ReadAtMost(string path, int limit)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[Math.Min(limit + 1, 64 * 1024)];
        var text = new System.Text.StringBuilder();
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > limit) return null;
        }
        return text.ToString();
    }

    private static ConfigLoadResult Failed(ConfigError error) => new(null, null, [error]);
}
