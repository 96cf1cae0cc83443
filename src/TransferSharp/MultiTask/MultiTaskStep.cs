using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>
/// Multi-task training's step: draws the step's task(s) from the sampler, a batch of each from its endless stream,
/// and minimises the combined loss <c>Σ_t λ_t · CE_t</c> (+ s_t when learnt) with one optimiser over the network and,
/// when learnt, the log variances (without weight decay: decay would pull every weight towards 1). Keeps per-task
/// sums for the epoch's per-task history.
/// </summary>
internal sealed class MultiTaskStep : ITrainingStep<int>
{
    private readonly MultiTaskModel model;
    private readonly MultiTaskLoss lossModule;
    private readonly TaskSampler sampler;
    private readonly BatchStream[] streams;
    private readonly string[] names;
    private readonly Device device;

    public MultiTaskStep(MultiTaskModel model, MultiTaskLoss lossModule, TaskSampler sampler, BatchStream[] streams, string[] names,
        IReadOnlyList<TorchSharp.Modules.Parameter> network)
    {
        (this.model, this.lossModule, this.sampler, this.streams, this.names) = (model, lossModule, sampler, streams, names);
        device = Devices.Of(model);
        var logVariances = lossModule.parameters().ToArray();
        Phases = [new TrainingPhase("all", logVariances.Length == 0
            ? [new ParameterGroupSpec(network)]
            : [new ParameterGroupSpec(network), new ParameterGroupSpec(logVariances, WeightDecayScale: 0)])];
        ResetSums();
    }

    public IReadOnlyList<TrainingPhase> Phases { get; }

    /// <summary>This epoch's per-task sums: loss × examples, correct, examples, steps.</summary>
    public double[] LossSum = [];
    public long[] Correct = [], Seen = [];
    public int[] Steps = [];

    public void ResetSums()
    {
        int n = names.Length;
        (LossSum, Correct, Seen, Steps) = (new double[n], new long[n], new long[n], new int[n]);
    }

    public void SetTraining(bool training) => model.train(training);

    public StepOutcome Run(int step, StepContext context)
    {
        var optimizer = context.Optimizers[0];
        optimizer.zero_grad();
        var losses = new Tensor?[names.Length];
        double lossSum = 0;
        long correct = 0, seen = 0;
        foreach (int t in sampler.Next())
        {
            var batch = streams[t].Next().On(device);
            var logits = model.Forward(batch.Inputs, names[t]);              // (B, K_t)
            losses[t] = functional.cross_entropy(logits, batch.Labels!);
            long b = batch.Inputs.shape[0];
            double l = losses[t]!.item<float>();
            long c = logits.argmax(1).eq(batch.Labels!).sum().item<long>();
            LossSum[t] += l * b; Correct[t] += c; Seen[t] += b; Steps[t]++;
            lossSum += l * b; correct += c; seen += b;
        }
        lossModule.Combine(losses).backward();
        optimizer.step();
        // The loop sums the tasks' mean cross-entropy over the step's examples (for progress and the NaN guard).
        return new StepOutcome(lossSum / seen, seen, correct);
    }
}
