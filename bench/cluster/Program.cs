// Exploration harness of issue 18: which clustering of autoencoder codes beats k-means on raw pixels. Trains each
// autoencoder once, then clusters the target's codes with k-means (as is, standardised, L2-normalised) and with DEC.
// Usage: DEC="lr:reconWeight:epochs,..." TSNE=m dotnet bin/Release/net10.0/Cluster.dll SOURCE TARGET SEED CONFIGS [RESIZE]
//   TSNE=m adds an N2D-like row for raw pixels and for each autoencoder: exact t-SNE of m random examples to 2-D,
//   k-means there, every example taking the cluster of its nearest sampled one (1-NN in the feature space).
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
using (var raw = target.Inputs.flatten(1))
{
    var r = new KMeans(km).Fit(raw); Report("raw", r.Assignments, sw.Elapsed.TotalSeconds);
    // The same N2D-like clustering on raw pixels (TSNE=m), so that a gain of the codes' version is not t-SNE's alone.
    if (int.TryParse(Environment.GetEnvironmentVariable("TSNE"), out int mr) && mr > 0)
    {
        sw.Restart();
        var pick = new Random(seed).GetItems(Enumerable.Range(0, (int)raw.shape[0]).ToArray(), (int)raw.shape[0]).Distinct().Take((int)Math.Min(mr, raw.shape[0])).Select(i => (long)i).ToArray();
        using var pickT = tensor(pick);
        using var head = raw.index_select(0, pickT).contiguous();
        var flat = head.data<float>().ToArray();
        var x = new float[head.shape[0], head.shape[1]];
        Buffer.BlockCopy(flat, 0, x, 0, flat.Length * sizeof(float));
        using var e2 = tensor(Tsne.Embed(x, new TsneOptions { Seed = seed })).to_type(ScalarType.Float32);
        var ka = new KMeans(km).Fit(e2).Assignments;
        using var d2 = cdist(raw, head);
        Report($"raw+tsne{mr}+1nn", d2.argmin(1).data<long>().ToArray().Select(j => ka[j]).ToArray(), sw.Elapsed.TotalSeconds);
    }
}
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
    if (int.TryParse(Environment.GetEnvironmentVariable("TSNE"), out int m) && m > 0)
    {
        // N2D-like: exact t-SNE of m random codes to 2-D, then k-means there (scored on those m examples only).
        sw.Restart();
        var pick = new Random(seed).GetItems(Enumerable.Range(0, (int)z.shape[0]).ToArray(), (int)z.shape[0]).Distinct().Take((int)Math.Min(m, z.shape[0])).Select(i => (long)i).ToArray();
        using var pickT = tensor(pick);
        using var head = z.index_select(0, pickT).contiguous();
        var flat = head.data<float>().ToArray();
        var codes = new float[head.shape[0], head.shape[1]];
        Buffer.BlockCopy(flat, 0, codes, 0, flat.Length * sizeof(float));
        var emb = Tsne.Embed(codes, new TsneOptions { Seed = seed });
        double tTsne = sw.Elapsed.TotalSeconds;
        using var e2 = tensor(emb).to_type(ScalarType.Float32);
        var sub = pick.Select(i => truth[(int)i]).ToArray();
        var ka = new KMeans(km).Fit(e2).Assignments;
        using var rawHead = target.Inputs.flatten(1).index_select(0, pickT);
        var kr0 = new KMeans(km).Fit(rawHead).Assignments;
        var sc = ClusteringMetrics.Score(sub, ka); var sr = ClusteringMetrics.Score(sub, kr0); var sk = ClusteringMetrics.Score(sub, pick.Select(i => kr.Assignments[i]).ToArray());
        // Every target example takes the cluster of its nearest sampled code (1-NN in code space): scored on all N.
        using var d2 = cdist(z, head);                                                             // (N, m)
        var nn = d2.argmin(1).data<long>().ToArray();
        var all = nn.Select(j => ka[j]).ToArray();
        Report($"{parts[0]}+tsne{m}+1nn", all, sw.Elapsed.TotalSeconds);
        Console.WriteLine($"{src}\t{tgt}\t{seed}\t{parts[0]}+tsne{m}\t{sc.Accuracy:0.0000}\t{sc.Nmi:0.0000}\t{sc.Ari:0.0000}\t{tTsne:0.0}\t(raw on the same {m}: {sr.Accuracy:0.0000} {sr.Nmi:0.0000}; codes k-means restricted: {sk.Accuracy:0.0000})");
    }
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
