// Source-selection benchmark of issue 20: a zoo of source models trained here on class subsets of the built-in data,
// plus the ImageNet ResNet-18, scored on few-shot targets by every estimator and fine-tuned on them; the weighted
// Kendall τ between each estimator's scores and the fine-tuned accuracies, and the time each takes against fine-tuning.
// usage: dotnet Rank.dll ZOO_DIR TARGETS SEEDS EPOCHS SHOTS     e.g. /tmp/zoo mnist:0-4,fashion-mnist:5-9 0,1 20 10
// Prints markdown to stdout and one JSON line per (target, source) to ZOO_DIR/results.jsonl; progress to stderr.
using System.Diagnostics;
using System.Text.Json;
using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.SourceSelection;
using TransferSharp.Training;
using static TorchSharp.torch;

string zoo = args[0];
var targets = args[1].Split(',');
var seeds = args[2].Split(',').Select(int.Parse).ToArray();
int epochs = int.Parse(args[3]), shots = int.Parse(args[4]);
Directory.CreateDirectory(zoo);
Seeding.SetThreads(1);

// The zoo: three architectures on class subsets of four datasets. No source sees a target's data (targets: mnist 0-4,
// fashion-mnist 5-9, mnist-m 5-9, optdigits 0-4).
(string Arch, string Data)[] trained =
[
    ("lenet", "mnist:5-9"), ("lenet", "fashion-mnist:0-4"), ("lenet", "mnist-m:0-4"),
    ("cnn", "mnist:5-9"), ("cnn", "fashion-mnist:0-4"), ("cnn", "mnist-m:0-4"), ("cnn", "optdigits:5-9"),
    ("mlp", "mnist:5-9"), ("mlp", "fashion-mnist:0-4"), ("mlp", "mnist-m:0-4"),
];
var sources = trained.Select(t => Train(t.Arch, t.Data)).Append(ImageNetResNet18.SourceName).ToArray();

var rows = new List<Row>();
using var jsonl = new StreamWriter(Path.Combine(zoo, "results.jsonl"));
foreach (var target in targets)
{
    using var all = Catalog.Load(target);
    var (rest, test) = all.StratifiedSplit(0.2, seed: 0);
    using var _r = rest;
    using var _t = test;
    using var few = rest.TakePerClass(shots, seed: 0);   // the labelled target: what the estimators and fine-tuning see
    foreach (var source in sources)
    {
        var row = Evaluate(source, target, few, test);
        rows.Add(row);
        jsonl.WriteLine(JsonSerializer.Serialize(row));
        jsonl.Flush();
        Console.Error.WriteLine($"{target} <- {source}: acc {row.Accuracy:P1}, LogME {row.LogMe:F3}, fine-tune {row.FineTuneSeconds:F1} s, score {row.ScoreSeconds:F2} s");
    }
}
Report(rows);
return;

string Train(string arch, string data)
{
    string path = Path.Combine(zoo, $"{arch}-{data.Replace(':', '-')}.pt");
    if (File.Exists(path)) return path;
    using var full = Catalog.Load(data);
    int perClass = Math.Min(300, full.LabelArray().GroupBy(l => l).Min(g => g.Count()));
    using var set = full.TakePerClass(perClass, seed: 0);
    Seeding.SeedEverything(0);
    using var model = ModelZoo.Create(new ModelSpec(arch, set.ExampleShape, set.ClassCount));
    var clock = Stopwatch.StartNew();
    new SupervisedTrainer(new TrainingOptions { Epochs = 5, Threads = 1 }).Fit(model, set);
    Checkpoint.Save(path, model, new CheckpointInfo { Architecture = arch, InputShape = set.ExampleShape, ClassNames = set.ClassNames.ToArray(), Data = data });
    Console.Error.WriteLine($"trained {arch} on {data} ({set.Count} examples) in {clock.Elapsed.TotalSeconds:F0} s");
    return path;
}

Row Evaluate(string source, string target, Dataset few, Dataset test)
{
    var options = new RankOptions { Seed = 0 };
    // The library's ranking, as a user calls it (loading, one forward pass, all five scores).
    var score = Transferability.Score(source, few, options);
    var times = EstimatorSeconds(source, few, options);
    // Fine-tuning: every feature stage copied and fine-tuned, the same budget for every source; mean over seeds.
    using var train = Transferability.Prepare(source, Copy(few), options);
    using var held = Transferability.Prepare(source, Copy(test), options);
    var accuracies = new List<double>();
    var clock = Stopwatch.StartNew();
    foreach (int seed in seeds)
    {
        var (model, _) = SourceModel.Load(source, train.ExampleShape);
        using var m = model;
        var tuner = new FineTuner(new FineTuningOptions
        {
            Training = new TrainingOptions { Epochs = epochs, BatchSize = 16, LearningRate = 1e-3, Seed = seed, Threads = 1 },
            Transfer = new LayerTransferOptions { Copy = StageSelection.AllFeatures, Mode = CopiedStageMode.FineTuned },
        });
        var result = tuner.Fit(model, train);
        using var tuned = result.Model;
        accuracies.Add(Metrics.Evaluate(tuned, held).Accuracy);
    }
    double fineTune = clock.Elapsed.TotalSeconds / seeds.Length;
    return new Row(target, source, score.Description, score.Features, accuracies.Average(), accuracies.ToArray(),
        score.LogMe, score.HScore, score.HScoreShrinkage, score.Leep, score.Nce, score.Seconds, times, fineTune);
}

static Dataset Copy(Dataset d) => d.Subset(Enumerable.Range(0, d.Count).Select(i => (long)i).ToArray());

// Seconds of each estimator alone on the source's features (the forward pass timed apart), for the speed-up table.
Dictionary<string, double> EstimatorSeconds(string source, Dataset few, RankOptions options)
{
    var clock = Stopwatch.StartNew();
    using var data = Transferability.Prepare(source, Copy(few), options);
    var (model, _) = SourceModel.Load(source, data.ExampleShape);
    using var m = model;
    model.eval();
    double[,] f, p;
    using (no_grad())
    using (NewDisposeScope())
    {
        var features = model.Features(data.Inputs).flatten(1).to(float64);
        var probabilities = softmax(model.forward(data.Inputs), 1).to(float64);
        f = ToMatrix(features);
        p = ToMatrix(probabilities);
    }
    var t = new Dictionary<string, double> { ["forward"] = clock.Elapsed.TotalSeconds };
    var labels = data.LabelArray().Select(l => (int)l).ToArray();
    int k = data.ClassCount;
    Time("LogME", () => LogMe.Score(f, labels, k));
    Time("H-score", () => HScore.Score(f, labels, k));
    Time("H-score α", () => ShrinkageHScore.Score(f, labels, k));
    Time("LEEP", () => Leep.Score(p, labels, k));
    Time("NCE", () => Nce.Score(p, labels, k));
    return t;

    void Time(string name, Func<double> estimator)
    {
        var c = Stopwatch.StartNew();
        estimator();
        t[name] = c.Elapsed.TotalSeconds;
    }
}

static double[,] ToMatrix(Tensor t)
{
    var flat = t.contiguous().data<double>().ToArray();
    var m = new double[t.shape[0], t.shape[1]];
    Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
    return m;
}

void Report(List<Row> all)
{
    string[] estimators = ["LogME", "H-score", "H-score α", "LEEP", "NCE"];
    double? Value(Row r, string e) => e switch
    {
        "LogME" => r.LogMe, "H-score" => r.HScore, "H-score α" => r.HScoreShrinkage, "LEEP" => r.Leep, _ => r.Nce,
    };
    static string F(double? v, string format = "0.000") => v is { } x ? x.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "–";
    var taus = new Dictionary<(string, string), double>();
    foreach (var g in all.GroupBy(r => r.Target))
    {
        Console.WriteLine($"**{g.Key}**, {shots} labelled examples per class; accuracy on {g.Key}'s held-out 20 %, mean of seeds {string.Join(", ", seeds)}\n");
        Console.WriteLine("| source | features | fine-tuned accuracy | LogME | H-score | H-score α | LEEP | NCE |\n|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in g.OrderByDescending(r => r.Accuracy))
            Console.WriteLine($"| {Name(r)} | {r.Features} | {r.Accuracy * 100:0.0} % | " + string.Join(" | ", estimators.Select(e => F(Value(r, e)))) + " |");
        foreach (var e in estimators)
        {
            // LEEP and NCE need a trained source head: the ImageNet ResNet-18 (features only) is left out of their τ.
            // Scores are rounded to 6 significant digits: plain H-score sits at its ceiling (classes − 1) for every source
            // when N <= D, and τ over its last-digit differences would be noise; all tied, τ is undefined (NaN).
            var scored = g.Where(r => Value(r, e) is not null).ToArray();
            taus[(g.Key, e)] = WeightedTau.Compute(scored.Select(r => Round(Value(r, e)!.Value)).ToArray(), scored.Select(r => r.Accuracy).ToArray());
        }
        // How well fine-tuning agrees with itself: τ between the accuracies of two seeds, averaged over the pairs of seeds.
        var pairs = seeds.SelectMany((_, i) => seeds.Select((_, j) => (i, j))).Where(p => p.i < p.j).ToArray();
        taus[(g.Key, "seed vs seed")] = pairs.Length == 0 ? double.NaN
            : pairs.Average(p => WeightedTau.Compute(g.Select(r => r.SeedAccuracies[p.i]).ToArray(), g.Select(r => r.SeedAccuracies[p.j]).ToArray()));
        Console.WriteLine();
    }
    Console.WriteLine("Weighted Kendall τ between each estimator's scores and the fine-tuned accuracies (1 = same order; LEEP and NCE over the sources with a trained head)\n");
    Console.WriteLine("| estimator | " + string.Join(" | ", all.Select(r => r.Target).Distinct()) + " | mean |\n|---|" + string.Concat(all.Select(r => r.Target).Distinct().Select(_ => "---:|")) + "---:|");
    foreach (var e in estimators.Append("seed vs seed"))
    {
        var values = all.Select(r => r.Target).Distinct().Select(t => taus[(t, e)]).ToArray();
        string Cell(double v) => double.IsNaN(v) ? "all tied" : F(v, "0.00");
        Console.WriteLine($"| {(e == "seed vs seed" ? "fine-tuning, one seed against another" : e)} | " + string.Join(" | ", values.Select(Cell)) + $" | {Cell(values.Average())} |");
    }
    foreach (var (label, group) in new[] { ("small sources (LeNet, CNN, MLP)", all.Where(r => r.Source != ImageNetResNet18.SourceName).ToList()),
                                           ("resnet18-imagenet", all.Where(r => r.Source == ImageNetResNet18.SourceName).ToList()) })
        Times(label, group);

    void Times(string label, List<Row> rows)
    {
        Console.WriteLine($"\n**{label}**: time per source and target: each estimator alone on the features, the forward pass (loading included), the library's whole `Transferability.Score` (forward + five scores), and one fine-tuning run (means; 1 thread)\n");
        Console.WriteLine("| what | mean s | fine-tuning / this |\n|---|---:|---:|");
        double ft = rows.Average(r => r.FineTuneSeconds);
        foreach (var name in new[] { "forward" }.Concat(estimators))
        {
            double s = rows.Average(r => r.EstimatorSeconds[name]);
            Console.WriteLine($"| {name} | {F(s, "0.0000")} | {F(ft / s, "#,0")}x |");
        }
        double whole = rows.Average(r => r.ScoreSeconds);
        Console.WriteLine($"| Transferability.Score (all five) | {F(whole, "0.00")} | {F(ft / whole, "#,0")}x |");
        Console.WriteLine($"| forward + LogME | {F(rows.Average(r => r.EstimatorSeconds["forward"] + r.EstimatorSeconds["LogME"]), "0.00")} | {F(ft / rows.Average(r => r.EstimatorSeconds["forward"] + r.EstimatorSeconds["LogME"]), "#,0")}x |");
        Console.WriteLine($"| one fine-tuning ({epochs} epochs) | {F(ft, "0.00")} | 1x |");
    }
}

static double Round(double v) => v == 0 ? 0 : Math.Round(v, Math.Clamp(5 - (int)Math.Floor(Math.Log10(Math.Abs(v))), 0, 15));

static string Name(Row r) => r.Source == ImageNetResNet18.SourceName ? "resnet18-imagenet" : r.Description;

record Row(string Target, string Source, string Description, int Features, double Accuracy, double[] SeedAccuracies,
    double LogMe, double HScore, double HScoreShrinkage, double? Leep, double? Nce, double ScoreSeconds,
    Dictionary<string, double> EstimatorSeconds, double FineTuneSeconds);
