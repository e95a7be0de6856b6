using System.Net;
using System.Text.Json.Nodes;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>
/// JSON edits of the config end to end: the <c>config</c> object of <c>GET /config</c>, edited and sent back to
/// <c>PUT /config</c> and <c>POST /config/validate</c> as <c>{"config": …}</c>.
/// </summary>
public sealed class ConfigJsonApiTests
{
    private const string Api = "/__lb_admin__/api/v1";
    private const string Variable = "FB_TEST_WEBHOOK_SECRET";
    private static readonly Dictionary<string, string> Environment = new() { [Variable] = "webhook-secret-2" };

    private static string Config(TestBackend a, TestBackend b) => $$"""
        flowbalance {
          # a comment that a JSON edit does not keep
          backends = [{ url = "{{a.Url}}", weight = 1 }, { url = "{{b.Url}}", weight = 1 }]
          load_balancer { session_affinity { type = "cookie", secret = "affinity-secret-1" } }
          notifications.webhooks = [{ id = "ops", url = "http://127.0.0.1:9/h", secret = ${{{Variable}}} }]
        }

        akka {
          loglevel = "WARNING" # kept as written
        }
        """;

    [Fact]
    public async Task ConfigApi_PutJsonWithOneWeightChanged_AppliesItKeepsTheSecretsAndTheAkkaSection()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var _ = new AsyncDisposables(backends);
        await using var balancer = await BalancerProcess.StartAsync(Config(backends[0], backends[1]), Environment);
        using var client = balancer.CreateClient();
        var (first, config) = await GetConfigAsync(client);
        Assert.Equal("***", config["notifications"]!["webhooks"]![0]!["secret"]!.GetValue<string>());
        config["backends"]![1]!["weight"] = 3;

        var before = await File.ReadAllTextAsync(balancer.ConfigFile);
        using var valid = await AdminApi.SendJsonAsync(client, HttpMethod.Post, Api + "/config/validate", Body(config));
        var dryRun = await AdminApi.JsonAsync(valid);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.True(dryRun.GetProperty("valid").GetBoolean());
        Assert.Equal($"service default: backend 127.0.0.1-{backends[1].Port} (weight 1 -> 3)", Assert.Single(dryRun.GetProperty("changes").EnumerateArray()).GetString());
        Assert.Equal(before, await File.ReadAllTextAsync(balancer.ConfigFile));

        using var put = await AdminApi.SendJsonAsync(client, HttpMethod.Put, Api + "/config", Body(config), $"\"{first}\"");
        var applied = await AdminApi.JsonAsync(put);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var second = applied.GetProperty("revision").GetInt64();
        Assert.True(second > first);
        Assert.Equal($"\"{second}\"", put.Headers.ETag?.ToString());

        var text = await File.ReadAllTextAsync(balancer.ConfigFile);
        Assert.StartsWith("flowbalance {\n  \"backends\": [\n", text);
        Assert.EndsWith("\n\nakka {\n  loglevel = \"WARNING\" # kept as written\n}\n", text);
        Assert.Contains($"\"secret\": ${{{Variable}}}", text); // the environment's secret stays there, out of the file
        Assert.DoesNotContain("webhook-secret-2", text);
        Assert.DoesNotContain("***", text);
        Assert.DoesNotContain("a comment", text);
        var reread = ConfigLoader.Parse(text, null, environment: name => Environment.GetValueOrDefault(name));
        Assert.Empty(reread.Errors);
        var service = Assert.Single(reread.Options!.Services);
        Assert.Equal([1, 3], service.Backends.Select(b => b.Weight));
        Assert.Equal("affinity-secret-1", service.Settings.LoadBalancer.SessionAffinity.Secret);
        Assert.Equal("webhook-secret-2", Assert.Single(reread.Options.Webhooks).Secret);
        Assert.Equal("WARNING", reread.Hocon!.GetString("akka.loglevel"));

        var (third, again) = await GetConfigAsync(client);
        Assert.Equal(second, third);
        Assert.Equal(3, again["backends"]![1]!["weight"]!.GetValue<int>());
        Assert.Equal("***", again["load_balancer"]!["session_affinity"]!["secret"]!.GetValue<string>());

        again["backends"]![0]!["weight"] = 2;
        using var stale = await AdminApi.SendJsonAsync(client, HttpMethod.Put, Api + "/config", Body(again), $"\"{first}\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(second, (await AdminApi.JsonAsync(stale)).GetProperty("revision").GetInt64());
        Assert.Equal(text, await File.ReadAllTextAsync(balancer.ConfigFile));
    }

    [Fact]
    public async Task ConfigApi_PutOrValidateBadJson_AnswersTheKeyPathAndChangesNothing()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var _ = new AsyncDisposables(backends);
        await using var balancer = await BalancerProcess.StartAsync(Config(backends[0], backends[1]), Environment);
        using var client = balancer.CreateClient();
        var (revision, config) = await GetConfigAsync(client);
        var before = await File.ReadAllTextAsync(balancer.ConfigFile);

        var typo = config.DeepClone();
        typo["retriez"] = 3;
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Post })
        {
            using var refused = await AdminApi.SendJsonAsync(client, method, Api + (method == HttpMethod.Put ? "/config" : "/config/validate"), Body(typo), $"\"{revision}\"");
            var problem = await AdminApi.JsonAsync(refused);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var error = problem.GetProperty("errors")[0];
            Assert.Equal("flowbalance.retriez", error.GetProperty("path").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, error.GetProperty("line").ValueKind); // a line of a text the caller never saw would mislead
            Assert.StartsWith("flowbalance.retriez: ", problem.GetProperty("messages")[0].GetString());
        }

        var unknownSecret = config.DeepClone();
        unknownSecret["notifications"]!["webhooks"]!.AsArray().Add(new JsonObject { ["id"] = "two", ["url"] = "http://127.0.0.1:9/two", ["secret"] = "***" });
        using var masked = await AdminApi.SendJsonAsync(client, HttpMethod.Put, Api + "/config", Body(unknownSecret), $"\"{revision}\"");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, masked.StatusCode);
        var maskedError = Assert.Single((await AdminApi.JsonAsync(masked)).GetProperty("errors").EnumerateArray());
        Assert.Equal("flowbalance.notifications.webhooks[1].secret", maskedError.GetProperty("path").GetString());

        using var notObject = await AdminApi.SendJsonAsync(client, HttpMethod.Post, Api + "/config/validate", """{"config": ["backends"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, notObject.StatusCode);
        Assert.Equal("application/problem+json", notObject.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"config\" must be a JSON object", (await AdminApi.JsonAsync(notObject)).GetProperty("detail").GetString());
        using var both = await AdminApi.SendJsonAsync(client, HttpMethod.Put, Api + "/config", $$"""{"config": {}, "text": {{System.Text.Json.JsonSerializer.Serialize(before)}}}""", $"\"{revision}\"");
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);

        Assert.Equal(before, await File.ReadAllTextAsync(balancer.ConfigFile));
        Assert.Equal(revision, (await GetConfigAsync(client)).Revision);
    }

    private static async Task<(long Revision, JsonObject Config)> GetConfigAsync(HttpClient client)
    {
        using var response = await AdminApi.GetAsync(client, Api + "/config");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal($"\"{body["revision"]}\"", response.Headers.ETag?.ToString());
        return (body["revision"]!.GetValue<long>(), body["config"]!.AsObject());
    }

    private static string Body(JsonNode config) => new JsonObject { ["config"] = config.DeepClone() }.ToJsonString();
}
