// Exploration harness of issue 18: which clustering of autoencoder codes beats k-means on raw pixels. Trains each
// autoencoder once, then clusters the target's codes with k-means (as is, standardised, L2-normalised) and with DEC.
// Usage: DEC="lr:reconWeight:epochs,..." dotnet bin/Release/net10.0/Cluster.dll SOURCE TARGET SEED CONFIGS [RESIZE]
//   CONFIGS: comma-separated name:hidden:layers:sparse:weightDecay:epochs, e.g. plain:200:-:0:0.0001:20 or
//   deep:10:500-500-2000:0:0.0001:20. Prints one tab-separated row per clustering: source, target, seed, name,
//   accuracy, NMI, ARI, seconds. The chosen defaults are measured with the CLI by bench/selftaught.sh.
using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.SelfTaught;
using TransferSharp.Training;
using static TorchSharp.torch;

string src = args[0], tgt = args[1]; int seed = int.Parse(args[2]); var configs = args[3].Split(',');
string? resize = args.Length > 4 ? args[4] : null;
Seeding.SetThreads(1);
var dopt = resize is null ? null : new DataOptions { Resize = int.Parse(resize) };
Dataset Load(string s) { var d = Catalog.Load(s); return dopt is null ? d : Catalog.Shape(d, dopt); }
using var sourceL = Load(src); using var source = sourceL.WithoutLabels(); using var target = Load(tgt);
int k = target.ClassCount; var truth = target.LabelArray();
var km = new KMeansOptions { Clusters = k, Restarts = 10, Seed = seed };
void Report(string name, long[] a, double secs) { var s = ClusteringMetrics.Score(truth, a); Console.WriteLine($"{src}\t{tgt}\t{seed}\t{name}\t{s.Accuracy:0.0000}\t{s.Nmi:0.0000}\t{s.Ari:0.0000}\t{secs:0.0}"); }
var sw = System.Diagnostics.Stopwatch.StartNew();
using (var raw = target.Inputs.flatten(1)) { var r = new KMeans(km).Fit(raw); Report("raw", r.Assignments, sw.Elapsed.TotalSeconds); }
foreach (var c in configs)
{
    sw.Restart();
    var o = new AutoencoderOptions { Seed = seed, Threads = 1 };
    var parts = c.Split(':'); // name:hidden:layers(500-500-2000 or -):sparse(0/1):wd:epochs
    int hidden = int.Parse(parts[1]);
    int[] layers = parts[2] == "-" ? [] : parts[2].Split('-').Select(int.Parse).ToArray();
    bool sparse = parts[3] == "1";
    o = o with { HiddenUnits = hidden, DenseLayers = layers, SparsityWeight = sparse ? 3 : 0, WeightDecay = double.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture), Epochs = int.Parse(parts[5]) };
    var ae = new AutoencoderTrainer(o).Fit(source);
    using var model = ae.Model;
    double tAe = sw.Elapsed.TotalSeconds;
    using var f = FeatureMap.Encoder(model).Apply(target);
    var z = f.Inputs;
    sw.Restart(); var kr = new KMeans(km).Fit(z); Report($"{parts[0]}", kr.Assignments, tAe + sw.Elapsed.TotalSeconds);
    using (var std = (z - z.mean([0], keepdim: true)) / (z.std(0, keepdim: true) + 1e-6)) { sw.Restart(); Report($"{parts[0]}+std", new KMeans(km).Fit(std).Assignments, sw.Elapsed.TotalSeconds); }
    using (var l2 = z / z.norm(1, true, 2).clamp_min(1e-6)) { sw.Restart(); Report($"{parts[0]}+l2", new KMeans(km).Fit(l2).Assignments, sw.Elapsed.TotalSeconds); }
    foreach (var d in (Environment.GetEnvironmentVariable("DEC") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
    {
        // lr:weight:epochs; the model is refined in place, so each variant starts from a fresh copy of the weights.
        var dp = d.Split(':').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        using var copy = Autoencoder.Create(model.InputShape, o);
        copy.load_state_dict(model.state_dict());
        sw.Restart();
        var dec = new DeepEmbeddedClustering(new DecOptions { Seed = seed, LearningRate = dp[0], ReconstructionWeight = dp[1], Epochs = (int)dp[2] }).Fit(copy, target, kr.Centroids);
        Report($"{parts[0]}+dec{d}", dec.Assignments, sw.Elapsed.TotalSeconds);
        Console.Error.WriteLine($"dec steps {dec.Steps} changed {dec.Changed}");
    }
}
