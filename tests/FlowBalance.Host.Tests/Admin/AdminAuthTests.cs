using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>The admin plane is closed by default: nothing but /healthz, the login page and loopback metrics without credentials.</summary>
public sealed partial class AdminAuthTests
{
    private const string Admin = "/__lb_admin__";

    private static readonly string[] ApiRoutes = ["/api/v1/status", "/api/v1/events", "/api/v1/requests", "/api/v1/webhooks/deliveries", "/api/v1/session", "/api/v1/audit"];

    [Fact]
    public async Task Every_route_but_healthz_login_and_loopback_metrics_needs_credentials()
    {
        await using var backend = await TestBackend.StartAsync("closed");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"] }""");
        using var client = balancer.CreateClient();

        foreach (var route in ApiRoutes)
        {
            using var anonymous = await client.GetAsync(Admin + route);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Bearer", anonymous.Headers.WwwAuthenticate.ToString());
            var wrong = new HttpRequestMessage(HttpMethod.Get, Admin + route);
            wrong.Headers.Authorization = new("Bearer", "fbt_not-the-token");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
            using var withToken = await AdminApi.GetAsync(client, Admin + route);
            Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        }
        using var page = await client.GetAsync(Admin + "/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith($"{Admin}/login?return=", page.Headers.Location!.OriginalString);
        using var healthz = await client.GetAsync(Admin + "/healthz");
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.True(JsonDocument.Parse(await healthz.Content.ReadAsStringAsync()).RootElement.GetProperty("ready").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Admin + "/login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Admin + "/metrics")).StatusCode); // loopback scraper
        Assert.Equal(0, backend.Requests); // nothing under the admin path was forwarded
    }

    [Fact]
    public async Task The_first_start_prints_a_bootstrap_token_once_and_keeps_only_its_hash()
    {
        await using var backend = await TestBackend.StartAsync("bootstrap");
        using var file = new TempConfigFile($$"""flowbalance { backends = ["{{backend.Url}}"] }""");
        var noToken = new Dictionary<string, string> { ["FLOWBALANCE_ADMIN_TOKEN"] = "" };
        string token;
        await using (var first = await BalancerProcess.StartWithArgumentsAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0"], noToken))
        {
            // The banner's lines reach the output one by one: "listening" may be read before the login line.
            await Eventually.True(() => LoginLine().IsMatch(first.Output), "the banner's login line is printed");
            token = LoginLine().Match(first.Output).Groups["token"].Value;
            Assert.StartsWith("fbt_", token);
            Assert.Contains($"{first.BaseAddress.ToString().TrimEnd('/')}{Admin}/login?token={token}", first.Output);
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await Bearer(client, token, Admin + "/api/v1/status")).StatusCode);
        }
        var database = await File.ReadAllBytesAsync(Path.Combine(file.Folder, "state", "admin.db"));
        Assert.Equal(-1, IndexOf(database, System.Text.Encoding.UTF8.GetBytes(token))); // the token itself is nowhere on disk

        await using var second = await BalancerProcess.StartWithArgumentsAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0"], noToken);
        await Eventually.True(() => second.Output.Contains("  admin: "), "the banner's admin line is printed"); // the login line would come before it
        Assert.DoesNotMatch(LoginLine(), second.Output);
        using var again = second.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Bearer(again, token, Admin + "/api/v1/status")).StatusCode);
    }

    [Fact]
    public async Task A_browser_session_needs_the_anti_forgery_token_to_change_state_and_ends_at_logout()
    {
        await using var backend = await TestBackend.StartAsync("browser");
        using var file = new TempConfigFile($$"""flowbalance { backends = ["{{backend.Url}}"] }""");
        await using var balancer = await BalancerProcess.StartWithArgumentsAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0"]);
        var cookies = new CookieContainer();
        using var browser = Browser(balancer.BaseAddress, cookies);

        using var refused = await LogIn(browser, "fbt_wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var loggedIn = await LogIn(browser, AdminApi.Token);
        Assert.Equal(HttpStatusCode.SeeOther, loggedIn.StatusCode);
        var session = loggedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("fb_admin=", StringComparison.Ordinal));
        Assert.Contains("path=/__lb_admin__", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);

        using var me = await browser.GetAsync(Admin + "/api/v1/session");
        Assert.Equal("session", JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement.GetProperty("method").GetString());
        var xsrf = cookies.GetCookies(new Uri(balancer.BaseAddress, Admin + "/")).Single(c => c.Name == "XSRF-TOKEN").Value;
        Assert.False(cookies.GetCookies(new Uri(balancer.BaseAddress, Admin + "/")).Single(c => c.Name == "XSRF-TOKEN").HttpOnly); // scripts read it

        using var forged = await browser.PostAsync(Admin + "/logout", null);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode); // a cross-site form could send the cookie, never the header
        Assert.Contains("X-XSRF-TOKEN", await forged.Content.ReadAsStringAsync());
        var logout = new HttpRequestMessage(HttpMethod.Post, Admin + "/logout");
        logout.Headers.Add("X-XSRF-TOKEN", xsrf);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(logout)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(Admin + "/api/v1/session")).StatusCode);

        var audit = await AdminApi.Items(balancer.CreateClient(), Admin + "/api/v1/audit");
        Assert.Equal(["logout", "login", "login"], audit.Select(e => e.GetProperty("action").GetString()!).ToArray());
        Assert.StartsWith("refused", audit[2].GetProperty("result").GetString());
        Assert.Equal("127.0.0.1", audit[1].GetProperty("address").GetString());
    }

    [Fact]
    public async Task A_session_survives_a_restart()
    {
        await using var backend = await TestBackend.StartAsync("restart");
        using var file = new TempConfigFile($$"""flowbalance { backends = ["{{backend.Url}}"] }""");
        var cookies = new CookieContainer();
        await using (var first = await BalancerProcess.StartWithArgumentsAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0"]))
        {
            using var browser = Browser(first.BaseAddress, cookies);
            Assert.Equal(HttpStatusCode.SeeOther, (await LogIn(browser, AdminApi.Token)).StatusCode);
        }
        // Cookies do not depend on the port: the same jar sends the session cookie to the new process.
        await using var second = await BalancerProcess.StartWithArgumentsAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0"]);
        using var again = Browser(second.BaseAddress, cookies);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync(Admin + "/api/v1/session")).StatusCode);
    }

    [Fact]
    public async Task An_admin_database_that_cannot_be_used_stops_startup_with_its_name()
    {
        using var file = new TempConfigFile("flowbalance { demo_backends = 1 }");
        var state = Path.Combine(file.Folder, "state");
        Directory.CreateDirectory(state);
        await File.WriteAllTextAsync(Path.Combine(state, "admin.db"), "this is not a SQLite database, it is a text file that is long enough to have a header");

        var (exitCode, output) = await BalancerProcess.RunToExitAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0"]);

        Assert.Equal(2, exitCode);
        Assert.Contains(Path.Combine(state, "admin.db"), output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task The_admin_path_moves_and_switching_the_plane_off_keeps_healthz_and_metrics()
    {
        await using var backend = await TestBackend.StartAsync("paths");
        await using var moved = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"], admin { path = "/ops/lb" } }""");
        await using var off = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"], admin { enabled = false } }""");
        using var movedClient = moved.CreateClient();
        using var offClient = off.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await AdminApi.GetAsync(movedClient, "/ops/lb/api/v1/status")).StatusCode);
        Assert.Equal("paths", await movedClient.GetStringAsync(Admin + "/api/v1/status")); // an ordinary path now: forwarded
        Assert.Equal(HttpStatusCode.NotFound, (await AdminApi.GetAsync(offClient, Admin + "/api/v1/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await offClient.GetAsync(Admin + "/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await offClient.GetAsync(Admin + "/metrics")).StatusCode);
    }

    [Fact]
    public async Task With_admin_listen_the_plane_answers_on_its_own_listener_only()
    {
        await using var backend = await TestBackend.StartAsync("main-listener");
        await using var balancer = await BalancerProcess.StartOwnListenersAsync($$"""
            flowbalance {
              listen = "http://127.0.0.1:0"
              admin { listen = "http://127.0.0.1:0" }
              backends = ["{{backend.Url}}"]
            }
            """);
        var (main, admin) = (balancer.Listeners[0], balancer.Listeners[1]);
        using var mainClient = new HttpClient { BaseAddress = main.Address };
        using var adminClient = new HttpClient { BaseAddress = admin.Address };

        Assert.Equal("admin plane only", admin.Protocols);
        Assert.Equal(HttpStatusCode.OK, (await AdminApi.GetAsync(adminClient, Admin + "/api/v1/status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminClient.GetAsync("/")).StatusCode); // nothing is proxied there
        Assert.Equal("main-listener", await mainClient.GetStringAsync(Admin + "/api/v1/status")); // an ordinary path on the main listener
        Assert.Contains($"admin: {Admin}/ and {Admin}/api/v1 on http://127.0.0.1:0 only", balancer.Output);
    }

    private static HttpClient Browser(Uri baseAddress, CookieContainer cookies) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = cookies, UseCookies = true }) { BaseAddress = baseAddress };

    /// <summary>As a browser does: GET the login page (its anti-forgery field and cookie), POST the form.</summary>
    private static async Task<HttpResponseMessage> LogIn(HttpClient browser, string token)
    {
        var page = await browser.GetStringAsync(Admin + "/login");
        var field = AntiforgeryField().Match(page).Groups["value"].Value;
        return await browser.PostAsync(Admin + "/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(field), ["return"] = "",
        }));
    }

    private static Task<HttpResponseMessage> Bearer(HttpClient client, string token, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        return client.SendAsync(request);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    [GeneratedRegex(@"admin login \(this token is shown once; only its hash is kept\): \S+/login\?token=(?<token>fbt_[A-Za-z0-9_-]+)")]
    private static partial Regex LoginLine();

    [GeneratedRegex(@"name=""__RequestVerificationToken"" value=""(?<value>[^""]+)""")]
    private static partial Regex AntiforgeryField();
}
