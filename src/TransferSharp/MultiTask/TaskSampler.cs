using TransferSharp.Data;

namespace TransferSharp.MultiTask;

/// <summary>Chooses which task each step trains on: round-robin, or a seeded draw proportional to size or weight.</summary>
internal sealed class TaskSampler
{
    private readonly TaskSampling mode;
    private readonly double[] cumulative;
    private readonly Random rng;
    private long step;

    public TaskSampler(TaskSampling mode, IReadOnlyList<int> sizes, IReadOnlyList<double> weights, int seed)
    {
        this.mode = mode;
        rng = new Random(seed);
        var p = mode switch
        {
            TaskSampling.Proportional => sizes.Select(n => (double)n).ToArray(),
            TaskSampling.Weighted => weights.ToArray(),
            _ => sizes.Select(_ => 1.0).ToArray(),
        };
        double sum = p.Sum();
        if (!(sum > 0)) throw new ArgumentException("every task has sampling weight 0: nothing would be trained");
        cumulative = new double[p.Length];
        double acc = 0;
        for (int t = 0; t < p.Length; t++) cumulative[t] = (acc += p[t] / sum);
    }

    /// <summary>The probability of each task being drawn in a step.</summary>
    public double[] Probabilities() => cumulative.Select((c, t) => c - (t == 0 ? 0 : cumulative[t - 1])).ToArray();

    /// <summary>The tasks of the next step: all of them, or one.</summary>
    public IReadOnlyList<int> Next()
    {
        long s = step++;
        switch (mode)
        {
            case TaskSampling.AllTasks: return Enumerable.Range(0, cumulative.Length).ToArray();
            case TaskSampling.RoundRobin: return [(int)(s % cumulative.Length)];
            default:
                double u = rng.NextDouble();
                int t = Array.FindIndex(cumulative, c => u < c);
                // Tasks with weight 0 are never drawn; rounding may leave u at the very top.
                return [t >= 0 ? t : Array.FindLastIndex(cumulative, c => c > 0)];
        }
    }
}

/// <summary>An endless supply of one dataset's batches, reshuffled on every pass (a "forever" loader).</summary>
internal sealed class BatchStream : IDisposable
{
    private readonly Dataset data;
    private readonly int batchSize;
    private readonly Generator generator;
    private IEnumerator<Batch>? current;

    public BatchStream(Dataset data, int batchSize, ulong seed)
    {
        this.data = data;
        this.batchSize = batchSize;
        generator = new Generator(seed);
    }

    /// <summary>The next batch; valid until the next call (the underlying enumerator disposes it).</summary>
    public Batch Next()
    {
        if (current is null || !current.MoveNext())
        {
            current?.Dispose();
            // Drop a ragged last batch when there is more than one batch: a batch of 1 breaks batch norm.
            current = Batches.Of(data, batchSize, shuffle: true, generator: generator, dropLast: data.Count > batchSize).GetEnumerator();
            if (!current.MoveNext()) throw new InvalidOperationException($"dataset '{data.Name}' yields no batches");
        }
        return current.Current;
    }

    public void Dispose()
    {
        current?.Dispose();
        generator.Dispose();
    }
}
