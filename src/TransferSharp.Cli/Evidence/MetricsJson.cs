using System.Text.Json;
using System.Text.Json.Nodes;

namespace TransferSharp.Cli.Evidence;

/// <summary>
/// metrics.json: the schema id, then what only the command knows (its name, the data it was given), then the library's
/// report record, all at the top level and in <see cref="RunFolder.Json"/>'s conventions (snake_case keys).
/// </summary>
internal static class MetricsJson
{
    public static void Write(RunFolder run, string schema, object command, object report)
    {
        var json = new JsonObject { ["schema"] = schema };
        foreach (var part in new[] { command, report })
            foreach (var (key, value) in JsonSerializer.SerializeToNode(part, RunFolder.Json)!.AsObject())
                json[key] = value?.DeepClone();
        run.WriteJson(run.Metrics, json);
    }
}
