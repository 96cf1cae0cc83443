// Throughput benchmark of issue 9: W1-W4 through the library's public trainers, as a user calls them.
// usage: dotnet Throughput.dll <workload>   workloads: info w1 w2 w2plain w2peer w3 w3plain w4 r1 r2 leakprobe memory w3memory stepextras
// Each timed workload prints one line "ROW|name|median img/s|min|max|peak RSS MiB|runs|note".
// BENCH_SECS (default 4) = seconds per timed run, BENCH_RUNS (default 3) = timed runs, BENCH_THREADS (default 2).
using System.Diagnostics;
using System.Reflection;
using TorchSharp;
using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.SelfTaught;
using TransferSharp.Training;
using static TorchSharp.torch;

double secs = double.Parse(Environment.GetEnvironmentVariable("BENCH_SECS") ?? "4");
int runs = int.Parse(Environment.GetEnvironmentVariable("BENCH_RUNS") ?? "3");
int threads = int.Parse(Environment.GetEnvironmentVariable("BENCH_THREADS") ?? "2");
string workload = args.Length > 0 ? args[0] : "w1";
Seeding.SeedEverything(0);   // loads libtorch (and applies the library's allocator tuning) before any tensor exists

string[] digits = Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray();
Dataset RandomImages(string name, long n, long[] shape, int seed)
{
    using var g = new Generator((ulong)seed);
    var x = rand([n, .. shape], generator: g);                       // values in [0, 1], like real images
    var y = randint(0, 10, [n], generator: g);
    return new Dataset(name, x, y, digits, "random");
}
long RoundUp(double n, long multiple) => Math.Max(multiple, (long)Math.Ceiling(n / multiple) * multiple);

// One warm-up run of warmImages, then `runs` runs sized to last about `secs` each; run(n) returns (images, seconds).
void Measure(string name, long warmImages, long multiple, Func<long, (long Images, double Seconds)> run, string note = "")
{
    var (wi, ws) = run(warmImages);
    long n = RoundUp(wi / ws * secs, multiple);
    var rates = new List<double>();
    for (int r = 0; r < runs; r++)
    {
        var (i, s) = run(n);
        rates.Add(i / s);
        Console.Error.WriteLine($"  {name} run {r + 1}: {i / s:F0} img/s ({i} images, {s:F2} s)");
    }
    rates.Sort();
    Console.WriteLine($"ROW|{name}|{rates[rates.Count / 2]:F1}|{rates[0]:F1}|{rates[^1]:F1}|{Status("VmHWM") / 1024.0:F0}|{runs}|{note}");
}

switch (workload)
{
    case "info":
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':')[1].Trim() ?? "?";
        string ts = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
        Console.WriteLine($"INFO|{Environment.ProcessorCount} x {cpu}|.NET {Environment.Version}|TorchSharp {ts}|" +
                          $"threads {threads}|allocator tuned: {TransferSharp.Training.NativeMemory.AllocatorTuned}, THP_MEM_ALLOC_ENABLE: {Environment.GetEnvironmentVariable("THP_MEM_ALLOC_ENABLE") ?? "not set"}");
        break;
    }
    case "w1":
    {
        // W1: LeNet training, batch 128, 1x28x28, SupervisedTrainer with default options (Adam, cosine) except batch size.
        using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 10));
        var trainer = new SupervisedTrainer(new TrainingOptions { BatchSize = 128, Epochs = 1, Threads = threads });
        Measure("W1 LeNet train b128 (SupervisedTrainer)", 128 * 30, 128, n =>
        {
            using var data = RandomImages("w1", n, [1, 28, 28], 1);
            var sw = Stopwatch.StartNew();
            trainer.Fit(model, data);
            return (n, sw.Elapsed.TotalSeconds);
        });
        break;
    }
    case "w2":
    case "w2plain":
    case "w2peer":
    {
        // W2: DANN, 64 source + 64 target per step, 3x28x28. "w2": default AdaptationOptions (bottleneck 256,
        // CDAN-conditioned 1024x2 BN discriminator); "w2plain": Bottleneck 0, Conditional false (the paper's DANN net
        // with the default discriminator); "w2peer": also a 100x2 discriminator without batch norm, the bare harness's net.
        var options = new AdaptationOptions { Epochs = 1, BatchSize = 64, Threads = threads };
        // Conditional false = plain DANN, its own method now.
        if (workload != "w2") options = options with { Bottleneck = 0, Method = new Dann.Options() };
        if (workload == "w2peer") options = options with { Method = new Dann.Options { DiscriminatorWidth = 100, DiscriminatorLayers = 2, DiscriminatorBatchNorm = false } };
        using var model = ModelZoo.Create(new ModelSpec("lenet", [3, 28, 28], 10));
        using var source = RandomImages("source", 64 * 50, [3, 28, 28], 1);
        using var target = RandomImages("target", 64 * 50, [3, 28, 28], 2);
        string name = workload switch
        {
            "w2" => "W2 DANN 64+64 (DomainAdaptationTrainer, defaults)",
            "w2plain" => "W2 DANN 64+64 (Bottleneck 0, Conditional false)",
            _ => "W2 DANN 64+64 (as w2plain + 100x2 discriminator, no BN)",
        };
        Measure(name, 128 * 20, 128, n =>
        {
            var trainer = new DomainAdaptationTrainer(options with { StepsPerEpoch = (int)(n / 128) });
            var sw = Stopwatch.StartNew();
            trainer.Fit(model, source, target);   // the network shares the model's modules: not disposed
            return (n, sw.Elapsed.TotalSeconds);
        });
        break;
    }
    case "w3":
    case "w3plain":
    {
        // W3: the deep dense autoencoder 784-256-64-256-784 (ReLU layers, sigmoid code and output), batch 256, through
        // AutoencoderTrainer. "w3": default options otherwise (KL sparsity on the code, weight decay); "w3plain":
        // sparsity and weight decay off, the bare harness's objective. One fixed set of 25,600 examples (100 steps an
        // epoch); a run is as many epochs as fill its time.
        const long size = 256 * 100;
        using var g = new Generator(3UL);
        using var data = new Dataset("w3", rand([size, 784], generator: g), null, [], "random");
        var options = new AutoencoderOptions { HiddenUnits = 64, DenseLayers = [256], BatchSize = 256, Threads = threads };
        if (workload == "w3plain") options = options with { SparsityWeight = 0, WeightDecay = 0 };
        if (Environment.GetEnvironmentVariable("BENCH_WD") is { } wdText) options = options with { WeightDecay = double.Parse(wdText) };
        if (Environment.GetEnvironmentVariable("BENCH_SPARSITY") is { } spText) options = options with { SparsityWeight = double.Parse(spText) };
        Measure(workload == "w3" ? "W3 autoencoder 784-256-64-256-784 b256 (AutoencoderTrainer, defaults)"
                                 : "W3 autoencoder 784-256-64-256-784 b256 (no sparsity, no weight decay)", size, size, n =>
        {
            var trainer = new AutoencoderTrainer(options with { Epochs = (int)(n / size) });
            var sw = Stopwatch.StartNew();
            using var result = trainer.Fit(data).Model;
            return (n, sw.Elapsed.TotalSeconds);
        });
        break;
    }
    case "w4":
    {
        // W4: LeNet inference through Metrics.Predict, batch 1024.
        using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 10));
        Seeding.SetThreads(threads);
        Measure("W4 LeNet inference b1024 (Metrics.Predict)", 1024 * 8, 1024, n =>
        {
            using var g = new Generator(4UL);
            using var x = rand([n, 1, 28, 28], generator: g);
            var sw = Stopwatch.StartNew();
            Metrics.Predict(model, x, batchSize: 1024);
            return (n, sw.Elapsed.TotalSeconds);
        });
        break;
    }
    case "r1":
    case "r2":
    {
        // R1: ResNet-18 feature extraction, 224x224, batch 32: FineTuner with every feature stage copied and frozen
        // (the default caches the frozen features: one no-grad pass over the data, then the head trains on (N, 512)).
        // R2: ResNet-18 full fine-tuning, batch 32: every stage trains (Adam, defaults). Random weights stand in for
        // the ImageNet ones (same arithmetic); 10 random classes.
        bool frozen = workload == "r1";
        using var source = (StagedModel)ModelZoo.Create(new ModelSpec("resnet18", [3, 224, 224], 1000));
        var options = new TransferSharp.FineTuning.FineTuningOptions
        {
            Training = new TrainingOptions { Epochs = 1, BatchSize = 32, Threads = threads },
            Transfer = new TransferSharp.FineTuning.LayerTransferOptions
            {
                Mode = frozen ? TransferSharp.FineTuning.CopiedStageMode.Frozen : TransferSharp.FineTuning.CopiedStageMode.FineTuned,
            },
        };
        var tuner = new TransferSharp.FineTuning.FineTuner(options);
        Measure(frozen ? "R1 ResNet-18 features b32 224x224 (FineTuner, frozen)" : "R2 ResNet-18 fine-tuning b32 224x224 (FineTuner)",
            32 * 2, 32, n =>
            {
                using var data = RandomImages("r", n, [3, 224, 224], 6);
                var sw = Stopwatch.StartNew();
                using var model = tuner.Fit(source, data).Model;
                return (n, sw.Elapsed.TotalSeconds);
            });
        break;
    }
    case "overhead":
    {
        // The library's overhead over the bare TorchSharp loop of ../shared/bench/peer on the same network (our LeNet),
        // batch 128: bare = zero_grad, forward, cross-entropy, backward, TorchSharp's Adam step in a dispose scope on one
        // fixed batch; library = SupervisedTrainer.Fit over a Dataset (shuffled index_select batches, cosine schedule,
        // in-place Adam, running loss/accuracy, epoch-end collection). Alternating, BENCH_RUNS rounds.
        Seeding.SetThreads(threads);
        using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 10));
        var trainer = new SupervisedTrainer(new TrainingOptions { BatchSize = 128, Epochs = 1, Threads = threads });
        using var bareOpt = optim.Adam(model.parameters(), 1e-3);
        using var x = rand(128, 1, 28, 28);
        using var y = randint(0, 10, [128]);
        double Bare(int steps)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++)
            {
                using var d = NewDisposeScope();
                bareOpt.zero_grad();
                nn.functional.cross_entropy(model.call(x), y).backward();
                bareOpt.step();
            }
            return 128.0 * steps / sw.Elapsed.TotalSeconds;
        }
        double Library(int steps)
        {
            using var data = RandomImages("w1", 128L * steps, [1, 28, 28], 1);
            var sw = Stopwatch.StartNew();
            trainer.Fit(model, data);
            return 128.0 * steps / sw.Elapsed.TotalSeconds;
        }
        Bare(20); Library(20);
        int n = (int)Math.Max(20, Bare(20) / 128 * secs);
        var bare = new List<double>(); var lib = new List<double>();
        for (int r = 0; r < runs; r++) { bare.Add(Bare(n)); lib.Add(Library(n)); }
        bare.Sort(); lib.Sort();
        Console.WriteLine($"OVERHEAD|bare {string.Join(" ", bare.Select(v => v.ToString("F0")))}|library {string.Join(" ", lib.Select(v => v.ToString("F0")))}|" +
                          $"median ratio {lib[runs / 2] / bare[runs / 2]:F3}|{n} steps per run");
        break;
    }
    case "adamstep":
    {
        // optimizer.step() alone on the parameters of the 784-256-64-256-784 autoencoder (the issue's 618 vs 286 µs),
        // TorchSharp's Adam vs the library's InPlace.Adam, gradients fixed and random; µs per step, median of 5
        // blocks of 200 steps each, alternating. Then the cost of one epoch-end NativeMemory.ReleaseFinalizable().
        Seeding.SetThreads(threads);
        using var net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784));
        var ps = net.parameters().ToArray();
        using (var ng = no_grad()) foreach (var p in ps) p.grad = randn_like(p);
        using var torchSharp = optim.Adam(ps, 1e-3);
        using var inPlace = Optimizers.Create(OptimizerKind.Adam, [new OptimizerGroup(ps, 1e-3)]);
        double Time(TorchSharp.Modules.OptimizerHelper opt)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 200; i++) { using var d = NewDisposeScope(); opt.step(); }
            return sw.Elapsed.TotalMilliseconds * 1000 / 200;
        }
        Time(torchSharp); Time(inPlace);
        var a = new List<double>(); var b = new List<double>();
        for (int r = 0; r < 5; r++) { a.Add(Time(torchSharp)); b.Add(Time(inPlace)); }
        a.Sort(); b.Sort();
        var gc = new List<double>();
        for (int r = 0; r < 5; r++) { var sw = Stopwatch.StartNew(); NativeMemory.ReleaseFinalizable(); gc.Add(sw.Elapsed.TotalMilliseconds); }
        gc.Sort();
        Console.WriteLine($"ADAMSTEP|TorchSharp Adam {a[2]:F0} us (min {a[0]:F0}, max {a[^1]:F0})|InPlace.Adam {b[2]:F0} us (min {b[0]:F0}, max {b[^1]:F0})|" +
                          $"ReleaseFinalizable {gc[2]:F2} ms (managed heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F1} MiB)");
        break;
    }
    case "gemmshapes":
    {
        // The five large matrix products of a W3 step (batch 256, 784 <-> 256), forward and backward, µs each,
        // median of 5 blocks of 50; compare with bench/throughput/peer_gemm.py (PyTorch + OpenBLAS).
        Seeding.SetThreads(threads);
        var shapes = new (string Name, long M, long K, long N)[] { ("x(256x784)·W(784x256)", 256, 784, 256), ("g(256x256)·W(256x784)", 256, 256, 784), ("gᵀ(256x256)·x(256x784)", 256, 256, 784) };
        foreach (var (name, m, k, n) in shapes)
        {
            using var a = rand(m, k); using var b = rand(k, n);
            for (int i = 0; i < 20; i++) { using var c = a.mm(b); }
            var t = new List<double>();
            for (int r = 0; r < 5; r++) { var sw = Stopwatch.StartNew(); for (int i = 0; i < 50; i++) { using var c = a.mm(b); } t.Add(sw.Elapsed.TotalMilliseconds * 1000 / 50); }
            t.Sort();
            Console.WriteLine($"GEMM|{name}|{t[2]:F0} us|{2.0 * m * k * n / t[2] / 1e3:F0} GFLOP/s");
        }
        break;
    }
    case "w3parts":
    {
        // What AutoencoderTrainer's W3 step adds around the network, µs per step (median of 5 blocks of 200):
        // the batch copy (index_select of 256 rows), the ½‖x − x̂‖² loss forward+backward as written vs fused mse_loss,
        // and the per-step running statistics (two item() calls and a mean).
        Seeding.SetThreads(threads);
        using var all = rand(25600, 784);
        using var idx = randperm(25600).narrow(0, 0, 256);
        using var x = rand(256, 784);
        using var r0 = rand(256, 784);
        double Block(Action step)
        {
            for (int i = 0; i < 20; i++) step();
            var t = new List<double>();
            for (int b = 0; b < 5; b++) { var sw = Stopwatch.StartNew(); for (int i = 0; i < 200; i++) step(); t.Add(sw.Elapsed.TotalMilliseconds * 1000 / 200); }
            t.Sort(); return t[2];
        }
        double copy = Block(() => { using var d = NewDisposeScope(); all.index_select(0, idx); });
        double loss = Block(() => { using var d = NewDisposeScope(); var r = r0.detach().requires_grad_(); (0.5 * (r - x).square().flatten(1).sum(1).mean()).backward(); });
        double mse = Block(() => { using var d = NewDisposeScope(); var r = r0.detach().requires_grad_(); (nn.functional.mse_loss(r, x, nn.Reduction.Sum) * (0.5 / 256)).backward(); });
        double stats = Block(() => { using var d = NewDisposeScope(); var l = x.sum(); l.item<float>(); x.mean().item<float>(); });
        Console.WriteLine($"W3PARTS|batch copy {copy:F0} us|loss as written fwd+bwd {loss:F0} us|fused mse_loss fwd+bwd {mse:F0} us|stats {stats:F0} us");
        break;
    }
    case "resnetcl":
    {
        // ResNet-18 forward (no grad) and training step at batch 32, 224x224: NCHW input vs channels-last input, ms.
        Seeding.SetThreads(threads);
        string arch = args.Length > 1 ? args[1] : "resnet18";
        long side = args.Length > 2 ? long.Parse(args[2]) : 224, channels = args.Length > 3 ? long.Parse(args[3]) : 3, batch = args.Length > 4 ? long.Parse(args[4]) : 32;
        using var net = ModelZoo.Create(new ModelSpec(arch, [channels, side, side], 10));
        using var x = rand(batch, channels, side, side);
        using var xcl = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        using var y = randint(0, 10, [batch]);
        using var opt = Optimizers.Create(OptimizerKind.Adam, [new OptimizerGroup(net.parameters().ToArray(), 1e-3)]);
        double Fwd(Tensor input) { net.eval(); using var ng = no_grad(); using var d = NewDisposeScope(); var sw = Stopwatch.StartNew(); net.call(input); return sw.Elapsed.TotalMilliseconds; }
        double Step(Tensor input) { net.train(); using var d = NewDisposeScope(); var sw = Stopwatch.StartNew(); opt.zero_grad(); nn.functional.cross_entropy(net.call(input), y).backward(); opt.step(); return sw.Elapsed.TotalMilliseconds; }
        Fwd(x); Fwd(xcl); Step(x); Step(xcl);
        var f = new List<double>(); var fc = new List<double>(); var t = new List<double>(); var tc = new List<double>();
        for (int r = 0; r < 3; r++) { f.Add(Fwd(x)); fc.Add(Fwd(xcl)); t.Add(Step(x)); tc.Add(Step(xcl)); }
        f.Sort(); fc.Sort(); t.Sort(); tc.Sort();
        Console.WriteLine($"RESNETCL|forward NCHW {f[1]:F0} ms, channels-last {fc[1]:F0} ms|train step NCHW {t[1]:F0} ms, channels-last {tc[1]:F0} ms");
        break;
    }
    case "mm":
    {
        // sgemm 2048 x 2048 (GFLOP/s, median of 5 blocks of 10), to see which MKL code path runs.
        Seeding.SetThreads(threads);
        using var a = rand(2048, 2048);
        using var b = rand(2048, 2048);
        for (int i = 0; i < 3; i++) { using var c = a.mm(b); }
        var rates = new List<double>();
        for (int r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 10; i++) { using var c = a.mm(b); }
            rates.Add(10 * 2.0 * 2048 * 2048 * 2048 / sw.Elapsed.TotalSeconds / 1e9);
        }
        rates.Sort();
        Console.WriteLine($"MM|{rates[2]:F1} GFLOP/s (min {rates[0]:F1}, max {rates[^1]:F1})|MKL_CBWR {Environment.GetEnvironmentVariable("MKL_CBWR") ?? "not set"}");
        break;
    }
    case "leakprobe":
    {
        // Which part of a bare LeNet step leaves native memory to the finaliser: RSS growth over 1,400 steps, no GC.
        string variant = args.Length > 1 ? args[1] : "full";
        Seeding.SetThreads(threads);
        using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 10));
        using var x = rand(16, 1, 28, 28);
        using var t = randint(0, 10, [16]);
        using var opt = Optimizers.Create(OptimizerKind.Adam, [new OptimizerGroup(model.parameters().ToArray(), 1e-3)]);
        long r200 = 0;
        for (int i = 1; i <= 1400; i++)
        {
            using (var scope = NewDisposeScope())
            {
                if (variant == "forward") { using var ng = no_grad(); model.call(x); }
                else
                {
                    if (variant is "full" or "zerograd") opt.zero_grad();
                    var loss = nn.functional.cross_entropy(model.call(x), t);
                    if (variant != "loss") loss.backward();
                    if (variant is "full" or "step") opt.step();
                }
            }
            if (i == 200) r200 = Status("VmRSS");
        }
        Console.WriteLine($"LEAKPROBE|{variant}|RSS MiB at 200 {r200 / 1024.0:F1}, at 1400 {Status("VmRSS") / 1024.0:F1}|{GC.CollectionCount(0)} GCs");
        break;
    }
    case "memory":
    {
        // Resident set after 1,000 and 10,000 W1 training steps (batch 16) in one Fit call.
        int batch = int.Parse(Environment.GetEnvironmentVariable("BENCH_MEMORY_BATCH") ?? "16");
        int epochs = int.Parse(Environment.GetEnvironmentVariable("BENCH_MEMORY_EPOCHS") ?? "10");
        int every = int.Parse(Environment.GetEnvironmentVariable("BENCH_MEMORY_EVERY") ?? "1000");   // RSS sample interval
        using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 10));
        using var data = RandomImages("memory", batch * 1000L, [1, 28, 28], 5);
        var rss = new SortedDictionary<long, long>();
        long step = 0;
        var managed = new SortedDictionary<long, long>();
        var probe = new SyncProgress<TrainingProgress>(_ =>
        {
            if (++step % every != 0) return;
            if (Environment.GetEnvironmentVariable("BENCH_GC") == "1") { GC.Collect(); GC.WaitForPendingFinalizers(); }
            rss[step] = Status("VmRSS");
            managed[step] = GC.GetGCMemoryInfo().HeapSizeBytes / 1024;
        });
        var sw = Stopwatch.StartNew();
        new SupervisedTrainer(new TrainingOptions { BatchSize = batch, Epochs = epochs, Threads = threads }).Fit(model, data, progress: probe);
        long last = rss.Keys.Max();
        if (!rss.ContainsKey(1_000)) rss[1_000] = rss[last];
        double ratio = rss[last] / (double)rss[1_000];
        Console.WriteLine($"MEMORY|batch {batch}|{string.Join(" ", rss.Select(kv => $"{kv.Key}:{kv.Value / 1024.0:F1}"))}|" +
                          $"{rss[1_000] / 1024.0:F1}|{rss[last] / 1024.0:F1}|{(ratio - 1) * 100:+0.0;-0.0}%|{sw.Elapsed.TotalSeconds:F0} s, {GC.CollectionCount(0)} gen-0 GCs|" +
                          $"managed heap MiB {string.Join(" ", managed.Select(kv => $"{kv.Key}:{kv.Value / 1024.0:F1}"))}");
        break;
    }
    case "w3memory":
    {
        // RSS of one W3 Fit (25,600 examples, batch 256, 20 epochs), every 200 steps.
        using var g = new Generator(3UL);
        using var data = new Dataset("w3", rand([256 * 100, 784], generator: g), null, [], "random");
        long step = 0;
        var samples = new List<string>();
        bool collect = Environment.GetEnvironmentVariable("BENCH_GC") == "1";   // full GC + finalisers every 200 steps
        var probe = new SyncProgress<TrainingProgress>(_ =>
        {
            if (++step % 200 != 0) return;
            if (collect) { GC.Collect(); GC.WaitForPendingFinalizers(); }
            samples.Add($"{step}:{Status("VmRSS") / 1024}");
            if (Environment.GetEnvironmentVariable("BENCH_STATS") == "1") Console.Error.WriteLine($"{step}: {DisposeScopeManager.Statistics}");
        });
        using var model = new AutoencoderTrainer(new AutoencoderOptions
        {
            HiddenUnits = 64, DenseLayers = [256], BatchSize = 256, Epochs = int.Parse(Environment.GetEnvironmentVariable("BENCH_EPOCHS") ?? "20"), Threads = threads,
            WeightDecay = double.Parse(Environment.GetEnvironmentVariable("BENCH_WD") ?? "3e-3"),
            SparsityWeight = double.Parse(Environment.GetEnvironmentVariable("BENCH_SPARSITY") ?? "3"),
        }).Fit(data, probe).Model;
        Console.WriteLine($"W3MEMORY|RSS MiB by step {string.Join(" ", samples)}|peak {Status("VmHWM") / 1024}");
        break;
    }
    case "stepextras":
    {
        // What SupervisedTrainer adds to a step for its running loss and accuracy: loss.item() and
        // logits.argmax(1).eq(labels).sum().item() on a (128, 10) batch, timed alone (µs per step).
        Seeding.SetThreads(threads);
        using var logits = randn(128, 10);
        using var labels = randint(0, 10, [128]);
        using var loss = nn.functional.cross_entropy(logits, labels);
        double sum = 0;
        long correct = 0;
        for (int i = 0; i < 1000; i++) { using var s = NewDisposeScope(); sum += loss.item<float>(); correct += logits.argmax(1).eq(labels).sum().item<long>(); }
        var sw = Stopwatch.StartNew();
        int k = 0;
        while (sw.Elapsed.TotalSeconds < secs) { using var s = NewDisposeScope(); sum += loss.item<float>(); correct += logits.argmax(1).eq(labels).sum().item<long>(); k++; }
        Console.WriteLine($"STEPEXTRAS|{sw.Elapsed.TotalMilliseconds * 1000 / k:F1} us per step|{k} reps");
        break;
    }
    default:
        Console.Error.WriteLine($"unknown workload '{workload}'");
        return 2;
}
return 0;

// A value from /proc/self/status in KiB (VmRSS, VmHWM).
static long Status(string key) =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":")).Split(':')[1].Trim().Split(' ')[0]);

