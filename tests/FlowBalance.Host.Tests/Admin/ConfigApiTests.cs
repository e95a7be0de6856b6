using System.Net;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>The config resources of the admin API end to end: read, dry run, apply, revisions, rollback, audit, restart.</summary>
public sealed class ConfigApiTests
{
    private const string Api = "/__lb_admin__/api/v1";

    private static string Config(TestBackend backend, string extra = "") => $$"""
        flowbalance {
          backends = ["{{backend.Url}}"]
          retries = 2
          preserve_host = true
          load_balancer { session_affinity { type = "cookie", secret = "affinity-secret-1" } }
          notifications.webhooks = [{ id = "ops", url = "http://127.0.0.1:9/h", secret = "webhook-secret-2" }]
        {{extra}}
        }
        akka.loglevel = "WARNING"

        """;

    [Fact]
    public async Task ConfigApi_GetAndValidate_MasksSecretsAndAnswersADiffOrTheKeyAndLine()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var _ = new AsyncDisposables(backends);
        var (a, b) = (backends[0], backends[1]);
        await using var balancer = await BalancerProcess.StartAsync(Config(a));
        using var client = balancer.CreateClient();

        using var get = await AdminApi.GetAsync(client, Api + "/config");
        var body = await get.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.DoesNotContain("affinity-secret-1", body);
        Assert.DoesNotContain("webhook-secret-2", body);
        var config = JsonDocument.Parse(body).RootElement;
        var revision = config.GetProperty("revision").GetInt64();
        Assert.True(revision > 0);
        Assert.Equal($"\"{revision}\"", get.Headers.ETag?.ToString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(balancer.ConfigFile))), config.GetProperty("sha256").GetString());
        var section = config.GetProperty("config");
        Assert.Equal(a.Url, section.GetProperty("backends")[0].GetString());
        Assert.Equal(2, section.GetProperty("retries").GetInt32());
        Assert.True(section.GetProperty("preserve_host").GetBoolean());
        Assert.Equal("***", section.GetProperty("load_balancer").GetProperty("session_affinity").GetProperty("secret").GetString());
        Assert.Equal("cookie", section.GetProperty("load_balancer").GetProperty("session_affinity").GetProperty("type").GetString());
        Assert.Equal("***", section.GetProperty("notifications").GetProperty("webhooks")[0].GetProperty("secret").GetString());

        var before = await File.ReadAllTextAsync(balancer.ConfigFile);
        using var valid = await AdminApi.PostAsync(client, Api + "/config/validate", Config(b, "  retries = 3").Replace("retries = 2\n", ""));
        var dryRun = await AdminApi.JsonAsync(valid);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.True(dryRun.GetProperty("valid").GetBoolean());
        var changed = dryRun.GetProperty("diff").GetProperty("services").GetProperty("changed")[0];
        Assert.Equal([$"127.0.0.1-{b.Port}"], changed.GetProperty("backends").GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([$"127.0.0.1-{a.Port}"], changed.GetProperty("backends").GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("retries", changed.GetProperty("settings").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("retries", dryRun.GetProperty("diff").GetProperty("settings").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(before, await File.ReadAllTextAsync(balancer.ConfigFile)); // a dry run writes nothing

        using var typo = await AdminApi.PostAsync(client, Api + "/config/validate", Config(a, "  retriez = 3"));
        var refused = await AdminApi.JsonAsync(typo);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, typo.StatusCode);
        Assert.Equal("application/problem+json", typo.Content.Headers.ContentType?.MediaType);
        var error = Assert.Single(refused.GetProperty("errors").EnumerateArray());
        Assert.Equal("flowbalance.retriez", error.GetProperty("path").GetString());
        Assert.Equal(7, error.GetProperty("line").GetInt32());
        Assert.Equal("flowbalance.retriez (line 7): " + error.GetProperty("message").GetString(), Assert.Single(refused.GetProperty("messages").EnumerateArray()).GetString());
        Assert.Equal(error.GetRawText(), refused.GetProperty("details")[0].GetRawText());

        using var akka = await AdminApi.PostAsync(client, Api + "/config/validate", Config(a).Replace("WARNING", "INFO"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, akka.StatusCode);
        Assert.Equal("akka", (await AdminApi.JsonAsync(akka)).GetProperty("errors")[0].GetProperty("path").GetString());
        Assert.Equal(0, a.Requests + b.Requests); // nothing under the admin path was forwarded
    }

    [Fact]
    public async Task ConfigApi_PutRollbackAndHandEdit_ApplyOnceRecordRevisionsAndAuditAndSurviveARestart()
    {
        var backends = await TestBackend.StartManyAsync("a", "b", "c");
        await using var _ = new AsyncDisposables(backends);
        var (a, b, c) = (backends[0], backends[1], backends[2]);
        using var file = new TempConfigFile(Config(a));
        string[] args = ["--config", file.Path, "--listen", "http://127.0.0.1:0"];
        List<JsonElement> revisions;
        await using (var balancer = await BalancerProcess.StartWithArgumentsAsync(args))
        {
            using var client = balancer.CreateClient();
            Assert.Equal("a", await client.GetStringAsync("/"));
            revisions = await AdminApi.Items(client, Api + "/config/revisions");
            var startup = Assert.Single(revisions);
            Assert.Equal("startup", startup.GetProperty("source").GetString());
            var first = startup.GetProperty("id").GetInt64();

            using var noIfMatch = await AdminApi.PutAsync(client, Api + "/config", Config(b));
            Assert.Equal((HttpStatusCode)428, noIfMatch.StatusCode);
            Assert.Equal(first, (await AdminApi.JsonAsync(noIfMatch)).GetProperty("revision").GetInt64());

            var edited = Config(b);
            using var put = await AdminApi.PutAsync(client, Api + "/config", edited, $"\"{first}\"");
            var applied = await AdminApi.JsonAsync(put);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var second = applied.GetProperty("revision").GetInt64();
            Assert.Equal($"\"{second}\"", put.Headers.ETag?.ToString());
            Assert.Equal(edited, await File.ReadAllTextAsync(file.Path));
            await Eventually.True(async () => await client.GetStringAsync("/") == "b", "the new backend serves");
            for (var i = 0; i < 20; i++) Assert.Equal("b", await client.GetStringAsync("/"));

            using var stale = await AdminApi.PutAsync(client, Api + "/config", Config(c), $"\"{first}\"");
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
            Assert.Equal(second, (await AdminApi.JsonAsync(stale)).GetProperty("revision").GetInt64());
            Assert.Equal(edited, await File.ReadAllTextAsync(file.Path));

            var diff = JsonDocument.Parse(await AdminApi.GetStringAsync(client, $"{Api}/config/revisions/{first}/diff/{second}")).RootElement;
            var lines = diff.GetProperty("lines").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Contains($"-  backends = [\"{a.Url}\"]", lines);
            Assert.Contains($"+  backends = [\"{b.Url}\"]", lines);
            Assert.Equal([$"127.0.0.1-{b.Port}"], diff.GetProperty("diff").GetProperty("services").GetProperty("changed")[0].GetProperty("backends").GetProperty("added").EnumerateArray().Select(e => e.GetString()));

            using var restore = await AdminApi.PostAsync(client, $"{Api}/config/revisions/{first}/restore");
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
            var third = (await AdminApi.JsonAsync(restore)).GetProperty("revision").GetInt64();
            Assert.Equal(Config(a), await File.ReadAllTextAsync(file.Path));
            await Eventually.True(async () => await client.GetStringAsync("/") == "a", "the restored backend serves");
            var text = JsonDocument.Parse(await AdminApi.GetStringAsync(client, $"{Api}/config/revisions/{third}")).RootElement.GetProperty("text").GetString();
            Assert.Equal(Config(a), text);

            await File.WriteAllTextAsync(file.Path, Config(c));
            await Eventually.True(async () => (await AdminApi.Items(client, Api + "/config/revisions")).Count == 4, "the hand edit is a revision");
            Assert.Equal("c", await client.GetStringAsync("/"));
            revisions = await AdminApi.Items(client, Api + "/config/revisions");
            Assert.Equal(["file", "rollback", "api", "startup"], revisions.Select(r => r.GetProperty("source").GetString()));
            Assert.Equal(["file", AdminApi.Subject, AdminApi.Subject, "startup"], revisions.Select(r => r.GetProperty("actor").GetString()));
            Assert.Equal(revisions.Select(r => r.GetProperty("id").GetInt64()).OrderDescending(), revisions.Select(r => r.GetProperty("id").GetInt64()));
            Assert.Equal(revisions[0].GetProperty("id").GetInt64(), JsonDocument.Parse(await AdminApi.GetStringAsync(client, Api + "/config")).RootElement.GetProperty("revision").GetInt64());
            Assert.Contains(a.Port.ToString(), revisions[1].GetProperty("summary").GetString());
        }

        await using var restarted = await BalancerProcess.StartWithArgumentsAsync(args);
        using var again = restarted.CreateClient();
        Assert.Equal("c", await again.GetStringAsync("/"));
        var afterRestart = await AdminApi.Items(again, Api + "/config/revisions");
        Assert.Equal(revisions.Select(r => r.GetProperty("id").GetInt64()), afterRestart.Select(r => r.GetProperty("id").GetInt64())); // the same file: no new startup revision
        Assert.Equal(afterRestart[0].GetProperty("id").GetInt64(), JsonDocument.Parse(await AdminApi.GetStringAsync(again, Api + "/config")).RootElement.GetProperty("revision").GetInt64());
        var audit = (await AdminApi.Items(again, Api + "/audit")).Where(e => e.GetProperty("action").GetString()!.StartsWith("config.", StringComparison.Ordinal)).Reverse().ToList();
        Assert.Equal(["config.apply", "config.apply", "config.apply", "config.rollback"], audit.Select(e => e.GetProperty("action").GetString()));
        Assert.StartsWith("refused: no If-Match (428)", audit[0].GetProperty("result").GetString());
        Assert.Equal((revisions[3].GetProperty("id").GetInt64(), revisions[2].GetProperty("id").GetInt64()), (Revision(audit[1], "before"), Revision(audit[1], "after")));
        Assert.StartsWith("ok: ", audit[1].GetProperty("result").GetString());
        Assert.StartsWith("refused: If-Match", audit[2].GetProperty("result").GetString());
        Assert.Equal((revisions[2].GetProperty("id").GetInt64(), revisions[1].GetProperty("id").GetInt64()), (Revision(audit[3], "before"), Revision(audit[3], "after")));
        Assert.All(audit, e => Assert.Equal(AdminApi.Subject, e.GetProperty("actor").GetString()));
    }

    private static long Revision(JsonElement entry, string field) => long.Parse(entry.GetProperty(field).GetString()!["revision ".Length..]);
}
