using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>
/// Logging in with GitHub, Google and OpenID Connect through ASP.NET Core's handlers, against a real provider on
/// loopback (<see cref="LoginProvider"/>): browser-style redirects followed hop by hop with one cookie jar, state and
/// PKCE checked, a real code exchange, allow-lists and role rules, refusals shown and audited, the recheck.
/// </summary>
public sealed partial class ProviderLoginTests
{
    private const string Admin = "/__lb_admin__";

    private static readonly LoginUser Octocat = new("octocat", 1, "The Octocat", "octocat@github.example") { Orgs = ["acme"] };
    private static readonly LoginUser Hubot = new("hubot", 2, "Hubot", "hubot@github.example") { Orgs = ["acme"], Teams = ["acme/sre"] };
    private static readonly LoginUser Stranger = new("stranger", 3, "Stranger", "stranger@elsewhere.example") { Orgs = ["other"] };

    private static string GitHubConfig(string backend, LoginProvider idp, string extra = "") => $$"""
        flowbalance {
          backends = ["{{backend}}"]
          admin.auth {
            github {
              client_id = "{{idp.ClientId}}"
              allowed_orgs = ["acme"]
              authorization_endpoint = "{{idp.AuthorizationEndpoint}}"
              token_endpoint = "{{idp.TokenEndpoint}}"
              api_url = "{{idp.GitHubApiUrl}}"
            }
            roles { admin = ["github:octocat"], operator = ["github-team:acme/sre"] }
            {{extra}}
          }
        }
        """;

    /// <summary>The secret comes from the environment, as the README recommends; the code exchange succeeding proves it was used.</summary>
    private static Dictionary<string, string> Secret(LoginProvider idp) => new() { ["FLOWBALANCE_GITHUB_CLIENT_SECRET"] = idp.ClientSecret };

    [Fact]
    public async Task GitHub_login_runs_the_code_flow_with_pkce_and_the_role_rules_decide_the_role()
    {
        await using var idp = await LoginProvider.StartAsync();
        await using var backend = await TestBackend.StartAsync("github");
        await using var balancer = await BalancerProcess.StartAsync(GitHubConfig(backend.Url, idp), Secret(idp));

        var page = await AdminApi.GetStringAsync(balancer.CreateClient(), Admin + "/login");
        Assert.Contains($"href=\"{Admin}/login/github\">Log in with GitHub</a>", page);

        idp.User = Octocat;
        var octocat = new ProviderBrowser(balancer.BaseAddress);
        await octocat.FollowAsync(new Uri(balancer.BaseAddress, $"{Admin}/login?token={AdminApi.Token}")); // logged in with the token first
        Assert.Equal("token:environment", (await octocat.JsonAsync("/api/v1/session")).GetProperty("subject").GetString());
        var before = octocat.SessionCookie!;
        var landed = await octocat.LogInAsync("github");
        Assert.Equal(HttpStatusCode.OK, landed.Status);
        Assert.Equal(Admin + "/", landed.Url.AbsolutePath); // the dashboard, after the page that moves on by itself
        Assert.Contains(landed.Hops, hop => hop.StartsWith(idp.AuthorizationEndpoint, StringComparison.Ordinal));
        Assert.Equal("S256", idp.LastCodeChallengeMethod);
        Assert.Equal($"{balancer.BaseAddress.ToString().TrimEnd('/')}{Admin}/signin-github", idp.LastRedirectUri);
        Assert.Contains("read:org", idp.LastScope); // allowed_orgs and a github-team rule need the orgs and teams
        Assert.Equal((1, 1), (idp.TokensIssued, idp.ApiCalls("/api/user/teams")));
        var session = await octocat.JsonAsync("/api/v1/session");
        Assert.Equal(("github:octocat", "session", "admin", "github"),
            (session.GetProperty("subject").GetString(), session.GetProperty("method").GetString(), session.GetProperty("role").GetString(), session.GetProperty("provider").GetString()));
        Assert.NotEqual(before, octocat.SessionCookie); // a new session, and the one before it is gone
        Assert.Equal(HttpStatusCode.Unauthorized, (await ProviderBrowser.WithSession(balancer.BaseAddress, before).GetAsync("/api/v1/session")).StatusCode);

        idp.User = Hubot;
        var hubot = new ProviderBrowser(balancer.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await hubot.LogInAsync("github")).Status);
        Assert.Equal("operator", (await hubot.JsonAsync("/api/v1/session")).GetProperty("role").GetString());
        using var keys = await hubot.PostJsonAsync("/api/v1/keys", """{"name": "ci", "role": "viewer"}""");
        Assert.Equal(HttpStatusCode.Forbidden, keys.StatusCode); // API keys need admin
        Assert.Contains("needs the admin role; github:hubot is operator", await keys.Content.ReadAsStringAsync());

        var audit = await AdminApi.Items(balancer.CreateClient(), Admin + "/api/v1/audit?action=login");
        Assert.Contains(audit, e => e.GetProperty("actor").GetString() == "github:octocat" && e.GetProperty("result").GetString()!.StartsWith("ok: admin (admin.auth.roles.admin names github:octocat)"));
        Assert.Contains(audit, e => e.GetProperty("actor").GetString() == "github:hubot" && e.GetProperty("result").GetString()!.StartsWith("ok: operator"));
    }

    [Fact]
    public async Task A_user_the_allow_lists_do_not_name_is_refused_and_audited()
    {
        await using var idp = await LoginProvider.StartAsync();
        await using var backend = await TestBackend.StartAsync("refused");
        await using var balancer = await BalancerProcess.StartAsync(GitHubConfig(backend.Url, idp), Secret(idp));

        idp.User = Stranger;
        var stranger = new ProviderBrowser(balancer.BaseAddress);
        var refused = await stranger.LogInAsync("github");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("Logging in with GitHub did not work: github:stranger", refused.Body);
        Assert.Contains("is not allowed in: neither admin.auth.github&#39;s allowed_users, allowed_orgs and allowed_teams nor admin.auth.roles name them", refused.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/v1/session")).StatusCode); // no session was made

        idp.User = null; // the user declines at the provider
        var declined = await new ProviderBrowser(balancer.BaseAddress).LogInAsync("github");
        Assert.Equal(HttpStatusCode.BadRequest, declined.Status);
        Assert.Contains("the login was declined at the provider", declined.Body);

        var audit = await AdminApi.Items(balancer.CreateClient(), Admin + "/api/v1/audit?action=login");
        Assert.Contains(audit, e => e.GetProperty("actor").GetString() == "github:stranger" && e.GetProperty("result").GetString()!.StartsWith("refused: github:stranger"));
        Assert.Contains(audit, e => e.GetProperty("actor").GetString() == "anonymous" && e.GetProperty("result").GetString() == "refused: the login was declined at the provider");
        Assert.DoesNotContain("   at ", balancer.Output); // no stack trace for either
    }

    [Fact]
    public async Task State_is_single_use_and_bound_to_the_browser_and_return_urls_stay_local()
    {
        await using var idp = await LoginProvider.StartAsync();
        await using var backend = await TestBackend.StartAsync("state");
        await using var balancer = await BalancerProcess.StartAsync(GitHubConfig(backend.Url, idp), Secret(idp));
        idp.User = Octocat;

        var browser = new ProviderBrowser(balancer.BaseAddress);
        var callback = await browser.UntilCallbackAsync("github", "?return=" + Uri.EscapeDataString("https://evil.example/steal"));
        var landed = await browser.FollowAsync(callback);
        Assert.Equal((HttpStatusCode.OK, Admin + "/"), (landed.Status, landed.Url.AbsolutePath)); // not evil.example
        Assert.Equal(balancer.BaseAddress.Authority, landed.Url.Authority);

        var replayed = await browser.FollowAsync(callback); // the same code and state again
        Assert.Equal(HttpStatusCode.BadRequest, replayed.Status);
        Assert.Contains("this login&#39;s state does not belong to this browser or was used already", replayed.Body);

        var other = new ProviderBrowser(balancer.BaseAddress); // a callback URL carried to another browser (login CSRF)
        var stolen = await browser.UntilCallbackAsync("github");
        Assert.Equal(HttpStatusCode.BadRequest, (await other.FollowAsync(stolen)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/v1/session")).StatusCode);
        Assert.Equal(1, idp.TokenRequests); // neither the replay nor the stolen callback reached the token endpoint

        var local = await new ProviderBrowser(balancer.BaseAddress).LogInAsync("github", "?return=" + Uri.EscapeDataString(Admin + "/events?type=backend"));
        Assert.Equal(Admin + "/events", local.Url.AbsolutePath);
        var slashes = await new ProviderBrowser(balancer.BaseAddress).LogInAsync("github", "?return=" + Uri.EscapeDataString("//evil.example/"));
        Assert.Equal((balancer.BaseAddress.Authority, Admin + "/"), (slashes.Url.Authority, slashes.Url.AbsolutePath));
        using var unknown = await balancer.CreateClient().GetAsync(Admin + "/login/gitlab");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no login provider 'gitlab' is configured in admin.auth (configured: github)", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_older_than_recheck_asks_the_provider_again_and_a_user_who_left_the_org_is_out()
    {
        await using var idp = await LoginProvider.StartAsync();
        await using var backend = await TestBackend.StartAsync("recheck");
        await using var balancer = await BalancerProcess.StartAsync(GitHubConfig(backend.Url, idp, "recheck = 3s"), Secret(idp));
        var member = new LoginUser("member", 7, "Member", "member@acme.example") { Orgs = ["acme"] };
        idp.User = member;
        var browser = new ProviderBrowser(balancer.BaseAddress);
        var landed = await browser.LogInAsync("github", "?return=" + Uri.EscapeDataString(Admin + "/api/v1/session")); // lands on the API: quicker than the recheck
        Assert.Equal(HttpStatusCode.OK, landed.Status);
        Assert.Contains("\"subject\":\"github:member\"", landed.Body);

        // Still a member: past recheck, a page goes back through GitHub without a click and lands where it was going.
        await Eventually.True(async () => (await browser.GetAsync("/api/v1/session")).StatusCode == HttpStatusCode.Unauthorized, "the session is past admin.auth.recheck", TimeSpan.FromSeconds(20));
        var again = await browser.FollowAsync(new Uri(balancer.BaseAddress, Admin + "/events"));
        Assert.Contains(again.Hops, hop => hop.Contains($"{Admin}/login/github?return=", StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.OK, Admin + "/events"), (again.Status, again.Url.AbsolutePath));
        Assert.Equal(2, idp.TokensIssued);

        // Removed from the org: the next recheck refuses them.
        idp.User = member with { Orgs = [] };
        await Eventually.True(async () => (await browser.GetAsync("/api/v1/session")).StatusCode == HttpStatusCode.Unauthorized, "the session is past admin.auth.recheck", TimeSpan.FromSeconds(20));
        var out_ = await browser.FollowAsync(new Uri(balancer.BaseAddress, Admin + "/"));
        Assert.Equal(HttpStatusCode.Forbidden, out_.Status);
        Assert.Contains("github:member", out_.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/session")).StatusCode);
    }

    [Fact]
    public async Task Edited_roles_apply_to_open_sessions_after_a_restart_and_a_user_they_drop_is_out()
    {
        await using var idp = await LoginProvider.StartAsync();
        await using var backend = await TestBackend.StartAsync("roles");
        using var file = new TempConfigFile(GitHubConfig(backend.Url, idp));
        string[] args = ["--config", file.Path, "--listen", "http://127.0.0.1:0"];
        idp.User = Hubot;
        string cookie;
        await using (var first = await BalancerProcess.StartWithArgumentsAsync(args, Secret(idp)))
        {
            var browser = new ProviderBrowser(first.BaseAddress);
            Assert.Equal(HttpStatusCode.OK, (await browser.LogInAsync("github")).Status);
            Assert.Equal("operator", (await browser.JsonAsync("/api/v1/session")).GetProperty("role").GetString());
            cookie = browser.SessionCookie!;
        }

        // The team rule becomes admin: the same session (the same cookie, after a restart) is admin now.
        await File.WriteAllTextAsync(file.Path, GitHubConfig(backend.Url, idp).Replace("roles { admin = [\"github:octocat\"], operator = [\"github-team:acme/sre\"] }", "roles { admin = [\"github-team:acme/sre\"] }"));
        await using (var second = await BalancerProcess.StartWithArgumentsAsync(args, Secret(idp)))
        {
            var same = ProviderBrowser.WithSession(second.BaseAddress, cookie);
            Assert.Equal("admin", (await same.JsonAsync("/api/v1/session")).GetProperty("role").GetString());
        }

        // No rule and no list names hubot's org any more: the session is refused and ended.
        await File.WriteAllTextAsync(file.Path, GitHubConfig(backend.Url, idp).Replace("allowed_orgs = [\"acme\"]", "allowed_orgs = [\"other\"]")
            .Replace("roles { admin = [\"github:octocat\"], operator = [\"github-team:acme/sre\"] }", "roles { admin = [\"github:octocat\"] }"));
        await using var third = await BalancerProcess.StartWithArgumentsAsync(args, Secret(idp));
        var dropped = ProviderBrowser.WithSession(third.BaseAddress, cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dropped.GetAsync("/api/v1/session")).StatusCode);
        Assert.Null(dropped.SessionCookie); // signed out: the cookie is deleted too
    }

    [Fact]
    public async Task Google_login_takes_only_verified_addresses_in_allowed_domains_and_its_secret_is_masked()
    {
        await using var idp = await LoginProvider.StartAsync();
        await using var backend = await TestBackend.StartAsync("google");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backend.Url}}"]
              admin.auth {
                google {
                  client_id = "{{idp.ClientId}}", client_secret = "{{idp.ClientSecret}}", allowed_domains = ["example.com"]
                  authorization_endpoint = "{{idp.AuthorizationEndpoint}}", token_endpoint = "{{idp.TokenEndpoint}}", user_information_endpoint = "{{idp.GoogleUserInfoEndpoint}}"
                }
                roles { operator = ["google:ops@example.com"] }
              }
            }
            """);

        idp.User = new LoginUser("ops", 11, "Ops", "ops@example.com") { HostedDomain = "example.com" };
        var ops = new ProviderBrowser(balancer.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await ops.LogInAsync("google")).Status);
        var session = await ops.JsonAsync("/api/v1/session");
        Assert.Equal(("google:ops@example.com", "operator"), (session.GetProperty("subject").GetString(), session.GetProperty("role").GetString()));

        idp.User = new LoginUser("dev", 12, "Dev", "dev@example.com");
        var dev = new ProviderBrowser(balancer.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await dev.LogInAsync("google")).Status);
        Assert.Equal("viewer", (await dev.JsonAsync("/api/v1/session")).GetProperty("role").GetString()); // allowed, no rule: viewer

        idp.User = new LoginUser("spoof", 13, "Spoof", "boss@example.com", EmailVerified: false);
        var spoof = await new ProviderBrowser(balancer.BaseAddress).LogInAsync("google");
        Assert.Equal(HttpStatusCode.Forbidden, spoof.Status);
        Assert.Contains("the provider verified no email address", spoof.Body);

        var config = await AdminApi.GetJsonAsync(balancer.CreateClient(), Admin + "/api/v1/config");
        var google = config.GetProperty("config").GetProperty("admin").GetProperty("auth").GetProperty("google");
        Assert.Equal("***", google.GetProperty("client_secret").GetString());
        Assert.DoesNotContain(idp.ClientSecret, config.GetRawText());
    }

    [Fact]
    public async Task Oidc_login_validates_the_id_token_and_its_roles_claim_names_the_role()
    {
        await using var idp = await LoginProvider.StartAsync();
        await using var backend = await TestBackend.StartAsync("oidc");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backend.Url}}"]
              admin.auth.oidc {
                authority = "{{idp.Authority}}", client_id = "{{idp.ClientId}}", client_secret = "{{idp.ClientSecret}}"
                allowed_domains = ["example.com"], roles_claim = "roles", display_name = "Acme SSO"
              }
            }
            """);
        Assert.Contains("Log in with Acme SSO", await AdminApi.GetStringAsync(balancer.CreateClient(), Admin + "/login"));

        idp.User = new LoginUser("sre", 21, "SRE", "sre@example.com") { Roles = ["operator", "lb-users"] };
        var sre = new ProviderBrowser(balancer.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await sre.LogInAsync("oidc")).Status);
        var session = await sre.JsonAsync("/api/v1/session");
        Assert.Equal(("oidc:sre@example.com", "operator", "oidc"),
            (session.GetProperty("subject").GetString(), session.GetProperty("role").GetString(), session.GetProperty("provider").GetString()));
        Assert.Equal("S256", idp.LastCodeChallengeMethod);
        Assert.Equal(1, idp.ApiCalls("/oidc/jwks")); // the id token's signature was checked against the provider's key

        idp.User = new LoginUser("intruder", 22, "Intruder", "intruder@elsewhere.example");
        var intruder = await new ProviderBrowser(balancer.BaseAddress).LogInAsync("oidc");
        Assert.Equal(HttpStatusCode.Forbidden, intruder.Status);
        Assert.Contains("oidc:intruder@elsewhere.example", intruder.Body);
    }

    /// <summary>
    /// A browser in miniature: one cookie jar for the balancer and the provider, redirects and the post-login
    /// page's meta refresh followed hop by hop (each hop recorded), the XSRF header sent on state-changing calls.
    /// </summary>
    private sealed partial class ProviderBrowser(Uri baseAddress)
    {
        private readonly CookieContainer _cookies = new();

        private HttpClient Client => field ??= new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = _cookies, UseCookies = true }) { BaseAddress = baseAddress };

        public string? SessionCookie => _cookies.GetCookies(new Uri(baseAddress, Admin + "/"))["fb_admin"]?.Value;

        public static ProviderBrowser WithSession(Uri baseAddress, string cookie)
        {
            var browser = new ProviderBrowser(baseAddress);
            browser._cookies.Add(new Cookie("fb_admin", cookie, Admin, baseAddress.Host));
            return browser;
        }

        public Task<Landing> LogInAsync(string provider, string query = "") => FollowAsync(new Uri(baseAddress, $"{Admin}/login/{provider}{query}"));

        /// <summary>Follows until the provider sends the browser back to the balancer's callback, and returns that URL unvisited.</summary>
        public async Task<Uri> UntilCallbackAsync(string provider, string query = "")
        {
            var url = new Uri(baseAddress, $"{Admin}/login/{provider}{query}");
            for (var hop = 0; hop < 5; hop++)
            {
                using var response = await Client.GetAsync(url);
                url = new Uri(url, response.Headers.Location ?? throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}, not a redirect"));
                if (url.AbsolutePath == $"{Admin}/signin-{provider}") return url;
            }
            throw new InvalidOperationException("no callback within 5 redirects");
        }

        public async Task<Landing> FollowAsync(Uri url)
        {
            var hops = new List<string>();
            for (var hop = 0; hop < 10; hop++)
            {
                hops.Add(url.ToString());
                using var response = await Client.GetAsync(url);
                if (response.Headers.Location is { } location)
                {
                    url = new Uri(url, location);
                    continue;
                }
                var body = await response.Content.ReadAsStringAsync();
                if (MetaRefresh().Match(body) is { Success: true } refresh)
                {
                    url = new Uri(url, WebUtility.HtmlDecode(refresh.Groups["url"].Value));
                    continue;
                }
                return new Landing(response.StatusCode, url, body, hops);
            }
            throw new InvalidOperationException($"more than 10 hops: {string.Join(" -> ", hops)}");
        }

        public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(Admin + path);

        public async Task<JsonElement> JsonAsync(string path)
        {
            using var response = await GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        public async Task<HttpResponseMessage> PostJsonAsync(string path, string json)
        {
            (await GetAsync("/api/v1/session")).Dispose(); // hands out the XSRF-TOKEN cookie
            var xsrf = _cookies.GetCookies(new Uri(baseAddress, Admin + "/"))["XSRF-TOKEN"]!.Value;
            var request = new HttpRequestMessage(HttpMethod.Post, Admin + path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("X-XSRF-TOKEN", xsrf);
            return await Client.SendAsync(request);
        }

        [GeneratedRegex("""<meta http-equiv="refresh" content="0;url=(?<url>[^"]+)">""")]
        private static partial Regex MetaRefresh();
    }

    private sealed record Landing(HttpStatusCode Status, Uri Url, string Body, List<string> Hops);
}
