// Streaming benchmark of issue 9: a 50,000-image folder through StreamingImageFolder.
// usage: dotnet Streaming.dll generate DIR [N]        writes N (default 50,000) 64x64 JPEGs in DIR/<digit>/ from mnist-m
//        dotnet Streaming.dll decode DIR THREADS RUNS  decode+resize throughput, no training: "DECODE|threads|median|min|max|images"
//        dotnet Streaming.dll train DIR THREADS        one LeNet epoch through the stream: "TRAIN|..." and "RSS|..." lines
using System.Diagnostics;
using SkiaSharp;
using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;
using static TorchSharp.torch;

const int Side = 64;
string mode = args[0], dir = args[1];

switch (mode)
{
    case "generate":
    {
        // mnist-m (10,000 digits blended with photo crops, 3x28x28) upscaled to 64x64, five colour variants each
        // (the channels permuted), written as JPEG quality 90: realistic photo-like files that decode like real data.
        int n = args.Length > 2 ? int.Parse(args[2]) : 50_000;
        Seeding.SeedEverything(0);
        using var digits = Catalog.Load("mnist-m");
        var x = digits.Inputs.mul(255).clamp(0, 255).to_type(ScalarType.Byte).data<byte>().ToArray(); // (N, 3, 28, 28)
        var y = digits.LabelArray();
        foreach (var name in digits.ClassNames) Directory.CreateDirectory(Path.Combine(dir, name));
        int[][] permutations = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0]];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            // 7919 is prime to 10,000, so every block of 10,000 files holds every digit image once, whatever N.
            int i = (int)((long)k * 7919 % digits.Count), variant = k / digits.Count % permutations.Length, plane = 28 * 28;
            var p = permutations[variant];
            using var small = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Rgba8888, SKAlphaType.Opaque));
            for (int r = 0; r < 28; r++)
                for (int c = 0; c < 28; c++)
                {
                    int at = i * 3 * plane + r * 28 + c;
                    small.SetPixel(c, r, new SKColor(x[at + p[0] * plane], x[at + p[1] * plane], x[at + p[2] * plane]));
                }
            using var big = small.Resize(new SKImageInfo(Side, Side), new SKSamplingOptions(SKFilterMode.Linear))!;
            using var jpeg = big.Encode(SKEncodedImageFormat.Jpeg, 90);
            File.WriteAllBytes(Path.Combine(dir, digits.ClassNames[(int)y[i]], $"{k:D6}.jpg"), jpeg.ToArray());
        });
        Console.Error.WriteLine($"wrote {n} images to {dir} in {clock.Elapsed.TotalSeconds:F1} s");
        break;
    }
    case "decode":
    {
        int threads = int.Parse(args[2]), runs = int.Parse(args[3]);
        var stream = StreamingImageFolder.Open(dir, Side, Side, options: new StreamingOptions { DecodeThreads = threads, QueueCapacity = 8 });
        var rates = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            long images = 0;
            foreach (var b in stream.Batches(256, shuffle: true, seed: (ulong)r)) images += b.Inputs.shape[0];
            rates.Add(images / clock.Elapsed.TotalSeconds);
            Console.Error.WriteLine($"  decode {threads} thread(s) run {r + 1}: {rates[^1]:F0} images/s ({images} images, {clock.Elapsed.TotalSeconds:F1} s)");
        }
        rates.Sort();
        Console.WriteLine($"DECODE|{threads}|{rates[rates.Count / 2]:F0}|{rates[0]:F0}|{rates[^1]:F0}|{stream.Count}|{Load()}");
        break;
    }
    case "train":
    {
        int threads = int.Parse(args[2]);
        int torchThreads = int.Parse(Environment.GetEnvironmentVariable("BENCH_TORCH_THREADS") ?? "1");
        Seeding.SeedEverything(0);
        var stream = StreamingImageFolder.Open(dir, Side, Side, options: new StreamingOptions { DecodeThreads = threads, QueueCapacity = 4 });
        using var model = ModelZoo.Create(new ModelSpec("lenet", stream.ExampleShape, stream.ClassNames.Count));
        var options = new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 0, Threads = torchThreads };
        long before = Status("VmRSS");
        var samples = new List<(double Seconds, long RssKiB)>();
        var clock = Stopwatch.StartNew();
        using var sampler = new Timer(_ => { lock (samples) samples.Add((clock.Elapsed.TotalSeconds, Status("VmRSS"))); }, null, 0, 500);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        int gen2 = GC.CollectionCount(2);
        var result = new SupervisedTrainer(options).Fit(model, stream);
        double seconds = clock.Elapsed.TotalSeconds;
        sampler.Dispose();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var pass = stream.LastPass!;
        double tensorBytes = (double)stream.Count * stream.ExampleShape.Aggregate(1L, (a, b) => a * b) * sizeof(float);
        Console.WriteLine($"TRAIN|{threads}|{torchThreads}|{stream.Count}|{seconds:F1}|{result.Final.TrainAccuracy:F4}|{before / 1024.0:F0}|" +
                          $"{Status("VmHWM") / 1024.0:F0}|{tensorBytes / (1 << 20):F0}|{pass.ConsumerWait.TotalSeconds:F2}|{pass.BatchesWaitedFor}|" +
                          $"{pass.Batches}|{pass.PeakBufferedBatches}|{pass.QueueCapacity}|{allocated / (double)(1 << 20):F0}|{GC.CollectionCount(2) - gen2}|{Load()}");
        lock (samples)
        {
            // About 12 evenly spaced samples of the RSS over the epoch.
            int step = Math.Max(1, samples.Count / 12);
            Console.WriteLine("RSS|" + string.Join(", ", samples.Where((_, i) => i % step == 0 || i == samples.Count - 1)
                .Select(s => $"{s.Seconds:F0} s: {s.RssKiB / 1024.0:F0}")));
        }
        break;
    }
    default:
        throw new ArgumentException($"unknown mode '{mode}' (generate, decode, train)");
}

static long Status(string field) =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":")).Split(':')[1].Trim().Split(' ')[0]);

static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
