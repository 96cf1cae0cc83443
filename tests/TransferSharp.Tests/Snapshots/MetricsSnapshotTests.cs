using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TransferSharp.Tests.Cli;

namespace TransferSharp.Tests.Snapshots;

/// <summary>
/// Behaviour freeze: every command that writes metrics.json, run tiny with a fixed seed and <c>--threads 1</c>, and the
/// numbers that matter (accuracies, losses, gains, per-epoch history) compared with Snapshots/&lt;name&gt;.approved.txt.
/// <para>
/// Each snapshot names its numbers by JSON path (<see cref="Pick"/>): when a later change renames or moves a key, change
/// only the path (<c>new Pick("old.label", "new.path")</c> keeps the label, so the approved file stays as it is).
/// Paths: dot-separated keys, <c>[3]</c> an array element, <c>[*]</c> every element (one line each),
/// <c>[id=dann]</c> the element whose <c>id</c> is <c>dann</c>. Timings (seconds, images per second) are never picked.
/// </para>
/// <para>
/// Tolerance: same seed, same thread count, same kind of machine, CPU libtorch: the runs are bit-for-bit deterministic
/// (checked with two separate test runs before approving). The relative tolerance of 1e-6 only absorbs the text
/// formatting of the numbers (float32 values widened to double, written by System.Text.Json, re-read and printed with
/// "R"); a real behaviour change moves them far more. On another kind of CPU (the approved file's <c># machine:</c> line;
/// libtorch/MKL take another SIMD path) the values are compared within 0.05 of max(1, |value|) instead (see
/// <see cref="Approval.VerifyValues"/>); re-approving there makes that machine's numbers the exact ones.
/// </para>
/// <para>Approve or re-approve: see <see cref="Approval"/> (copy .received.txt over .approved.txt, or APPROVE=1).</para>
/// </summary>
[Collection("Sequential")]
public sealed class MetricsSnapshotTests
{
    private const double Tolerance = 1e-6;

    /// <summary>One number to freeze: its stable label (the approved file's key) and where it sits in metrics.json now.</summary>
    public sealed record Pick(string Label, string At)
    {
        public Pick(string path) : this(path, path) { }
        public static implicit operator Pick(string path) => new(path);
    }

    private static readonly Pick[] SupervisedHistory =
    [
        "history[*].train_loss", "history[*].train_accuracy", "history[*].validation_loss", "history[*].validation_accuracy",
        "history[*].learning_rate",
    ];

    [Fact]
    public void Train()
    {
        Snapshot("train", ["split.train", "split.validation", "split.test",
                "metrics.test_accuracy", "metrics.test_loss", "metrics.best_epoch",
                "per_class_test_accuracy.0", "per_class_test_accuracy.3", .. SupervisedHistory],
            "train", "--data", "optdigits:0-4", "--model", "cnn", "--epochs", "2", "--seed", "1", "--threads", "1");
    }

    [Fact]
    public void Finetune()
    {
        using var dir = new TestData.TempFolder();
        // The source: the same tiny train run as the train snapshot (so a change there shows in both).
        var r = CliRunner.Run(dir.Path, "train", "--data", "optdigits:0-4", "--model", "cnn", "--epochs", "2", "--seed", "1", "--threads", "1",
            "--runs", dir.File("source"));
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var source = Path.Combine(Assert.Single(Directory.GetDirectories(dir.File("source"))), "model.pt");
        Snapshot("finetune", (source, "SOURCE_RUN/model.pt"), [new("split.train", "train_count"), new("split.validation", "validation_count"),
                new("split.test", "test_count"), new("metrics.test_accuracy", "variants[0].test_accuracy"),
                new("metrics.test_loss", "variants[0].test_loss"), new("metrics.best_epoch", "variants[0].best_epoch"),
                .. SupervisedHistory.Select(p => new Pick(p.Label, "variants[0]." + p.At))],
            "finetune", "--source", source, "--target", "optdigits:5-9", "--shots", "10", "--epochs", "3", "--conservative", "l2sp=0.01",
            "--copied-lr-scale", "0.5", "--seed", "1", "--threads", "1");
    }

    private static readonly Pick[] AdaptHistory =
    [
        "history[*].classification_loss", "history[*].alignment_loss", "history[*].entropy_loss", "history[*].train_accuracy",
        "history[*].domain_accuracy", "history[*].source_accuracy", "history[*].target_accuracy", "history[*].lambda",
        "history[*].learning_rate",
    ];

    private static readonly string[] AdaptArgs =
    [
        "adapt", "--source", "mnist:0-2", "--target", "optdigits:0-2", "--epochs", "2", "--steps-per-epoch", "8", "--batch-size", "16",
        "--tsne", "0", "--seed", "1", "--threads", "1",
    ];

    [Fact]
    public void Adapt_dann_with_the_source_only_baseline()
    {
        Snapshot("adapt-dann", ["split.source_train", "split.target_test",
                "metrics.source_accuracy", "metrics.steps", "metrics.target_accuracy", "metrics.source_only_target_accuracy",
                "metrics.gain_over_source_only", "metrics.domain_accuracy", .. AdaptHistory,
                "source_only_history[*].classification_loss", "source_only_history[*].train_accuracy",
                "source_only_history[*].source_accuracy", "source_only_history[*].target_accuracy"],
            [.. AdaptArgs, "--method", "cdan", "--discriminator-width", "32"]);   // CDAN, the default until 2026-12-06
    }

    [Theory]
    [InlineData("mmd")]
    [InlineData("coral")]
    [InlineData("adabn")]   // the default
    public void Adapt_other_methods(string method)
    {
        Snapshot($"adapt-{method}", ["metrics.source_accuracy", "metrics.steps", "metrics.target_accuracy",
                "history[*].classification_loss", "history[*].alignment_loss", "history[*].train_accuracy",
                "history[*].source_accuracy", "history[*].target_accuracy", "history[*].lambda", "history[*].learning_rate"],
            [.. AdaptArgs, "--method", method, "--no-baseline"]);
    }

    [Fact]
    public void Multitask()
    {
        Pick[] task(int i) =>
        [
            new($"tasks[{i}].split.train", $"tasks[{i}].train_count"), new($"tasks[{i}].split.test", $"tasks[{i}].test_count"), $"tasks[{i}].test_accuracy", $"tasks[{i}].test_loss",
            $"tasks[{i}].steps", $"tasks[{i}].final_loss_weight", $"tasks[{i}].history[*].train_loss", $"tasks[{i}].history[*].train_accuracy",
            $"tasks[{i}].history[*].learning_rate",
        ];
        Snapshot("multitask", [.. task(0), .. task(1),
                "epochs[*].loss_weights.mnist-0-4", "epochs[*].loss_weights.parity", "epochs[*].log_variances.mnist-0-4",
                "epochs[*].log_variances.parity", "epochs[*].steps.mnist-0-4", "epochs[*].steps.parity"],
            "multitask", "--task", "mnist:0-4@shots=5", "--task", "mnist:0-4@labels=parity,name=parity", "--model", "mlp", "--shared", "first:1",
            "--epochs", "2", "--steps-per-epoch", "15", "--weighting", "uncertainty", "--validation-fraction", "0", "--seed", "1", "--threads", "1");
    }

    [Theory]
    [InlineData("dap")]
    [InlineData("embedding")]
    [InlineData("conse")]
    [InlineData("eszsl")]
    public void Zeroshot(string method)
    {
        Snapshot($"zeroshot-{method}", ["split.train", "split.seen_test", "split.unseen_test",
                "metrics.unseen_accuracy", "metrics.generalized_seen_accuracy", "metrics.generalized_unseen_accuracy",
                "metrics.generalized_harmonic_mean", "metrics.generalized_ausuc", "metrics.generalized_best_harmonic_mean_on_test",
                "metrics.generalized_best_gamma_on_test", "per_class[name=3].zero_shot_accuracy", "per_class[name=7].zero_shot_accuracy",
                "history[*].train_loss", "history[*].train_accuracy", "history[*].learning_rate"],
            "zeroshot", "--method", method, "--data", "optdigits", "--model", "mlp", "--unseen", "3,7", "--generalized", "--epochs", "2",
            // γ fixed at 0 (the default chooses it on seen classes, tested in EszslAndCalibrationTests): the numbers stay those of before.
            "--calibration", "0", "--seed", "1", "--threads", "1");
    }

    [Fact]
    public void Experiment_transferability()
    {
        Snapshot("experiment-transferability", ["results[0].train_count_b", "results[0].test_count_b",
                "results[0].runs[*].network", "results[0].runs[*].copied_stages", "results[0].runs[*].accuracy"],
            "experiment", "transferability", "--data", "optdigits", "--model", "mlp", "--seeds", "0", "--epochs", "1",
            "--train-per-class", "30", "--threads", "1");
    }

    [Fact]
    public void Selftaught_learn()
    {
        Snapshot("selftaught-learn", ["split.source", "split.train_pool", "split.test",
                "autoencoder.target_reconstruction_loss", "autoencoder.history[*].reconstruction_loss",
                "autoencoder.history[*].sparsity_loss", "autoencoder.history[*].mean_activation", "pca.explained_variance",
                "results[*].scores[*].features", "results[*].scores[*].train_accuracy", "results[*].scores[*].test_accuracy",
                "results[*].scores[*].test_loss"],
            "selftaught", "learn", "--source", "optdigits:5-9", "--target", "optdigits:0-1", "--shots", "2,10", "--epochs", "3",
            "--hidden", "32", "--classifier-steps", "50", "--pca-components", "10", "--tsne", "0", "--seed", "1", "--threads", "1");
    }

    [Fact]
    public void Selftaught_cluster()
    {
        Snapshot("selftaught-cluster", ["counts.source", "counts.target",
                "autoencoder.target_reconstruction_loss", "autoencoder.history[*].reconstruction_loss",
                "autoencoder.history[*].sparsity_loss", "autoencoder.history[*].mean_activation",
                "results[*].features", "results[*].inertia", "results[*].score.accuracy", "results[*].score.nmi", "results[*].score.ari"],
            "selftaught", "cluster", "--source", "optdigits:2-9", "--target", "optdigits:0-1", "--autoencoder", "conv", "--epochs", "2",
            "--restarts", "2", "--pca-components", "10", "--tsne", "0", "--seed", "1", "--threads", "1");
    }

    /// <summary>
    /// The tour's stages at the hidden tiny scale. The dann stage is left out for time (about 20 s alone on this
    /// machine); the adapt snapshots cover DANN and the source-only baseline.
    /// </summary>
    [Fact]
    public void Tour()
    {
        string[] stages = ["finetune", "transferability", "multitask", "zeroshot", "selftaught-learn", "selftaught-cluster"];
        var picks = new List<Pick>();
        foreach (var s in stages)
            picks.AddRange(new Pick[] { $"stages[id={s}].ok", $"stages[id={s}].baseline", $"stages[id={s}].method", $"stages[id={s}].gain",
                $"stages[id={s}].other_methods[*].value", $"stages[id={s}].details" });
        Snapshot("tour", [.. picks], "tour", "--tiny", "--only", string.Join(',', stages), "--seed", "0", "--threads", "1");
    }

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Runs <c>transfer args --runs TMP/runs</c>, reads the one run folder's metrics.json, compares the picks.</summary>
    private static void Snapshot(string name, Pick[] picks, params string[] args) => Snapshot(name, null, picks, args);

    /// <summary>As above; <paramref name="hide"/> replaces a temporary path by a name in the approved file's comment.</summary>
    private static void Snapshot(string name, (string Path, string Shown)? hide, Pick[] picks, params string[] args)
    {
        using var dir = new TestData.TempFolder();
        var runs = dir.File("runs");
        var r = CliRunner.Run(dir.Path, [.. args, "--runs", runs]);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(runs));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));

        var text = new StringBuilder();
        var shown = args.Select(a => a == hide?.Path ? hide.Value.Shown : a);
        text.Append("# transfer ").Append(string.Join(' ', shown)).Append(" --runs TMP/runs\n");
        text.Append("# numbers from metrics.json; compared with relative tolerance 1e-6 (see MetricsSnapshotTests)\n");
        foreach (var pick in picks)
            foreach (var (label, value) in Values(json.RootElement, pick))
                text.Append(label).Append(" = ").Append(value).Append('\n');
        Approval.VerifyValues("Snapshots", name, text.ToString(), Tolerance);
    }

    private static readonly Regex Segment = new(@"^(?<key>[^\[\]]*)(\[(?<sel>[^\]]*)\])*$");

    /// <summary>The (label, value) lines of one pick; an object at the end expands to one line per numeric member.</summary>
    private static IEnumerable<(string, string)> Values(JsonElement root, Pick pick)
    {
        var found = Resolve(root, pick.At.Split('.'), 0, "", []).ToList();
        // A [*] over an empty array gives no lines (the comparison then reports any line gone missing).
        Assert.True(found.Count > 0 || pick.At.Contains("[*]", StringComparison.Ordinal),
            $"'{pick.At}' matches nothing in metrics.json: a renamed key? change the path, keep the label");
        foreach (var (path, stars, element) in found)
        {
            string label = pick.Label == pick.At ? path : FillStars(pick.Label, stars);
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in element.EnumerateObject()) yield return ($"{label}.{p.Name}", Text(p.Value, label));
            }
            else yield return (label, Text(element, label));
        }
    }

    private static IEnumerable<(string Path, List<int> Stars, JsonElement Element)> Resolve(JsonElement at, string[] parts, int i, string path, List<int> stars)
    {
        if (i == parts.Length)
        {
            yield return (path, stars, at);
            yield break;
        }
        var m = Segment.Match(parts[i]);
        Assert.True(m.Success, $"bad path segment '{parts[i]}'");
        string key = m.Groups["key"].Value;
        string here = path.Length == 0 ? key : path + "." + key;
        if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(key, out var element)) yield break;
        var candidates = new List<(string, List<int>, JsonElement)> { (here, stars, element) };
        foreach (Capture sel in m.Groups["sel"].Captures)
        {
            var next = new List<(string, List<int>, JsonElement)>();
            foreach (var (p, s, e) in candidates)
            {
                if (e.ValueKind != JsonValueKind.Array) continue;
                var items = e.EnumerateArray().ToArray();
                if (sel.Value == "*")
                    for (int k = 0; k < items.Length; k++) next.Add(($"{p}[{k}]", [.. s, k], items[k]));
                else if (int.TryParse(sel.Value, out int index))
                {
                    if (index < items.Length) next.Add(($"{p}[{index}]", s, items[index]));
                }
                else
                {
                    var (field, want) = (sel.Value[..sel.Value.IndexOf('=')], sel.Value[(sel.Value.IndexOf('=') + 1)..]);
                    foreach (var item in items)
                        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(field, out var v) && v.ToString() == want)
                            next.Add(($"{p}[{sel.Value}]", s, item));
                }
            }
            candidates = next;
        }
        foreach (var (p, s, e) in candidates)
            foreach (var found in Resolve(e, parts, i + 1, p, s)) yield return found;
    }

    private static string FillStars(string label, List<int> stars)
    {
        int k = 0;
        return Regex.Replace(label, @"\[\*\]", _ => $"[{stars[k++]}]");
    }

    private static string Text(JsonElement e, string label) => e.ValueKind switch
    {
        JsonValueKind.Number => Approval.Format(e.GetDouble()),
        JsonValueKind.String => e.GetString()!,          // "NaN", "Infinity", names
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => throw new InvalidOperationException($"{label} is a {e.ValueKind}: pick a number inside it"),
    };
}
