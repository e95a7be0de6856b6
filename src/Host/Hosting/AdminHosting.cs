using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.State;
using FlowBalance.Host.Admin;
using FlowBalance.Host.Admin.Api;
using FlowBalance.Host.Admin.Auth;
using FlowBalance.Host.Admin.Auth.Providers;
using FlowBalance.Host.Admin.Config;
using FlowBalance.Host.Admin.Dashboard;
using FlowBalance.Host.Admin.Overrides;
using FlowBalance.Host.Admin.Store;
using FlowBalance.Host.Edge;
using Microsoft.AspNetCore.Antiforgery;
using MudBlazor.Services;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// The admin plane under <c>admin.path</c> (default <c>/__lb_admin__</c>): one prefix check on the proxy
/// path; nothing under it is ever forwarded. Its state (the bootstrap token's hash, sessions, audit)
/// is in a SQLite file in <c>admin.state_dir</c>, opened before the host starts.
/// </summary>
public static class AdminHosting
{
    /// <summary>Opens the admin database (an <see cref="AdminStoreException"/> names the file: Program exits 2) and resolves the admin token.</summary>
    public static WebApplicationBuilder AddAdminPlane(this WebApplicationBuilder builder, FlowBalanceOptions options)
    {
        if (!options.Admin.Enabled) return builder;
        var database = AdminDatabase.Open(options.Admin.StateDirectory);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(new ConfigRevisions(database));
        builder.Services.AddSingleton(AdminCredentials.Resolve(database, Environment.GetEnvironmentVariable));
        builder.Services.AddAdminAuthentication(options.Admin);
        builder.Services.AddSingleton<BackendActions>();
        builder.Services.AddSingleton<ConfigApply>();
        builder.Services.AddSingleton(sp => new LoginThrottle(sp.GetRequiredService<ILogger<LoginThrottle>>(), TimeProvider.System));
        // The dashboard: Blazor Server components over one circuit per open tab (no per-request work).
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<DashboardSession>();
        // "No XML encryptor configured": Linux has no DPAPI; the keys are protected by the state folder's 0700.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        return builder;
    }

    /// <summary>
    /// Puts the persisted backend overrides back at startup. Registered after the actor system (<c>AddFlowBalance</c>):
    /// hosted services start in order, and this one waits for the first routing table, before Kestrel listens.
    /// </summary>
    public static WebApplicationBuilder AddAdminOverrides(this WebApplicationBuilder builder, FlowBalanceOptions options)
    {
        if (options.Admin.Enabled) builder.Services.AddHostedService<OverrideRestore>();
        return builder;
    }

    /// <summary>
    /// The key with which <c>UseAuthentication()</c> marks a pipeline. WebApplication adds the
    /// authentication middleware to the whole pipeline when authentication services exist and the key
    /// is absent; the admin plane authenticates inside its own branch, so the proxy path must not pay
    /// for it (2.3 KB and 16 µs per proxied request, measured).
    /// </summary>
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>
    /// The same for <c>UseAuthorization()</c>: Blazor registers the authorization services, and WebApplication
    /// would then run the authorization middleware for every proxied request (about 120 B each, measured).
    /// No admin endpoint carries authorization metadata; the admin gate decides who gets in.
    /// </summary>
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    public static WebApplication UseAdminPlane(this WebApplication app)
    {
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        ((IApplicationBuilder)app).Properties[AuthorizationMiddlewareSetKey] = true;
        var options = app.Services.GetRequiredService<FlowBalanceOptions>();
        var path = options.Admin.Path;
        if (options.Admin.Listen is null)
        {
            app.Map(path, admin => Configure(app, admin, options));
            return app;
        }
        // admin.listen: its connections reach the admin plane and nothing else; on the main listeners the path is an ordinary one.
        app.MapWhen(context => context.Features.Get<AdminListenerFeature>() is not null, only =>
        {
            only.Map(path, admin => Configure(app, admin, options));
            only.Run(context => Observability.AdminResponses.Problem(context, $"this listener serves the admin plane only, under {path}", StatusCodes.Status404NotFound));
        });
        return app;
    }

    private static void Configure(WebApplication app, IApplicationBuilder admin, FlowBalanceOptions options)
    {
        var path = options.Admin.Path;
        {
            var healthz = new HealthzEndpoint(app.Services.GetRequiredService<RoutingTableStore>(), app.Lifetime,
                options.Cluster.Enabled ? options.Cluster.NodeName : FlowEvents.For(app.Services.GetRequiredService<Akka.Actor.ActorSystem>()).Node,
                app.Services.GetService<FlowBalance.Actors.Cluster.ClusterViewStore>());
            ObservabilityHosting.MapGet(admin, "/healthz", healthz.Handle);
            if (options.Admin.Enabled)
            {
                var throttle = app.Services.GetRequiredService<LoginThrottle>();
                admin.UseAdminGate(options, throttle);
                admin.UseProviderLogins(options.Admin);
                var sessions = new SessionEndpoints(app.Services.GetRequiredService<AdminCredentials>(), app.Services.GetRequiredService<AdminDatabase>(),
                    app.Services.GetRequiredService<IAntiforgery>(), options.Admin, throttle, options.Geo.TrustedProxies);
                admin.Map("/login", login => login.Run(sessions.Login));
                admin.Map("/logout", logout => logout.Run(sessions.Logout));
                ObservabilityHosting.MapGet(admin, "/api/v1/session", sessions.Session);
                ObservabilityHosting.MapGet(admin, "/api/v1/openapi.json", OpenApiEndpoint.Handle);
                ObservabilityHosting.MapGet(admin, "/api/v1/audit", new AuditEndpoint(app.Services.GetRequiredService<AdminDatabase>()).Handle);
                admin.Map("/api/v1/keys", keys => keys.Run(new KeysEndpoint(app.Services.GetRequiredService<AdminDatabase>()).Handle));
                MapConfig(admin, app.Services);
                var routes = app.Services.GetRequiredService<RoutingTableStore>();
                var services = new ServicesEndpoint(routes, new BackendEndpoint(routes, app.Services.GetRequiredService<BackendActions>()),
                    new HistoryEndpoint(routes, app.Services.GetRequiredService<Observability.MetricsHistory>()));
                admin.Map("/api/v1/services", endpoint => endpoint.Run(services.Handle));
            }
            else
            {
                // Switched off: metrics keep their allow rule (scrapers have no credentials to show); nothing else answers.
                admin.Use((context, next) => context.Request.Path == "/metrics" && Observability.MetricsAccess.Allowed(context.Connection.RemoteIpAddress, options.Metrics)
                    ? next(context)
                    : Observability.AdminResponses.Problem(context, "the admin plane is switched off (admin.enabled = false)", StatusCodes.Status404NotFound));
            }
            admin.MapObservation(app.Services);
            if (options.Admin.Enabled) admin.UseDashboard(app.Lifetime);
            admin.Run(context => Observability.AdminResponses.Problem(context, $"no admin endpoint {path}{context.Request.Path}", StatusCodes.Status404NotFound));
        }
    }

    /// <summary>
    /// The dashboard at the admin path's root, after every API route: endpoint routing in this branch
    /// only (a branch of WebApplication gets its own route table), so the proxy path matches no routes.
    /// </summary>
    private static void UseDashboard(this IApplicationBuilder admin, IHostApplicationLifetime lifetime)
    {
        // On stopping, SignalR closes every circuit and Blazor's client reconnects at once, while Kestrel still
        // listens: that new WebSocket would hold the shutdown for shutdown_timeout. Once stopping, none is opened.
        admin.Use((context, next) => lifetime.ApplicationStopping.IsCancellationRequested && context.Request.Path.StartsWithSegments("/_blazor")
            ? Observability.AdminResponses.Problem(context, "this node is stopping", StatusCodes.Status503ServiceUnavailable)
            : next(context));
        admin.UseWebSockets();
        admin.UseRouting();
        admin.UseAntiforgery();
        admin.UseEndpoints(endpoints =>
        {
            endpoints.MapStaticAssets();
            endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        });
    }

    /// <summary><c>/api/v1/config</c> and under it: the longer paths first (Map matches by prefix).</summary>
    private static void MapConfig(IApplicationBuilder admin, IServiceProvider services)
    {
        var database = services.GetRequiredService<AdminDatabase>();
        var reloader = services.GetRequiredService<ConfigReloader>();
        var apply = services.GetRequiredService<ConfigApply>();
        admin.Map("/api/v1/config/validate", validate => validate.Run(new ConfigValidateEndpoint(reloader).Handle));
        admin.Map("/api/v1/config/revisions", revisions => revisions.Run(new RevisionsEndpoint(database, reloader, apply).Handle));
        admin.Map("/api/v1/config", config => config.Run(new ConfigEndpoint(reloader, apply).Handle));
    }
}
