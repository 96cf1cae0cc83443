using TorchSharp.Modules;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

[Collection("Sequential")]
public sealed class TrainingLoopTests
{
    /// <summary>Options for the toy runs: plain SGD at a constant rate, so the expected updates are easy to reason about.</summary>
    private sealed record ToyOptions : TrainerOptions
    {
        public ToyOptions()
        {
            Epochs = 4;
            LearningRate = 0.1;
            Optimizer = OptimizerKind.Sgd;
            Momentum = 0;
            Schedule = ScheduleKind.Constant;
            Threads = 1;
        }
    }

    /// <summary>Least squares y = 3x on fixed points; optionally a second phase fitting a second weight to y = −2x.</summary>
    private sealed class ToyStep : ITrainingStep<int>, IDisposable
    {
        public readonly Linear A = nn.Linear(1, 1, hasBias: false);
        public readonly Linear B = nn.Linear(1, 1, hasBias: false);
        private readonly Tensor x = tensor(new float[] { 1, 2, -1, 0.5f }).reshape(4, 1);
        public int OptimizerCount;
        public double LossOverride = double.NaN;
        public int NanAtStep = -1;
        public int Steps;

        public ToyStep(bool twoPhases)
        {
            Phases = twoPhases
                ? [new TrainingPhase("a", [new ParameterGroupSpec(A.parameters().ToArray())]), new TrainingPhase("b", [new ParameterGroupSpec(B.parameters().ToArray())])]
                : [new TrainingPhase("a", [new ParameterGroupSpec(A.parameters().ToArray())])];
        }

        public IReadOnlyList<TrainingPhase> Phases { get; }
        public void SetTraining(bool training) { A.train(training); B.train(training); }

        public StepOutcome Run(int batch, StepContext context)
        {
            OptimizerCount = context.Optimizers.Count;
            Steps++;
            var o = context.Optimizers[0];
            o.zero_grad();
            var loss = functional.mse_loss(A.call(x), x * 3);
            loss.backward();
            o.step();
            if (context.Optimizers.Count > 1)
            {
                var o2 = context.Optimizers[1];
                o2.zero_grad();
                var l2 = functional.mse_loss(B.call(x), x * -2);
                l2.backward();
                o2.step();
            }
            double value = Steps == NanAtStep ? double.NaN : loss.item<float>();
            return new StepOutcome(value, 4, 0) { Predictions = 0 };
        }

        public void Dispose() { A.Dispose(); B.Dispose(); x.Dispose(); }
    }

    [Fact]
    public void Trains_and_sums_every_epoch()
    {
        Seeding.SeedEverything(1);
        using var step = new ToyStep(twoPhases: false);
        var r = new TrainingLoop(new ToyOptions()).Run(step, _ => Enumerable.Range(0, 5), 5);
        Assert.Equal(4, r.History.Count);
        Assert.Equal(20, r.Steps);
        Assert.True(r.History[^1].TrainLoss < 0.01 * r.History[0].TrainLoss, $"{r.History[0].TrainLoss} -> {r.History[^1].TrainLoss}");
        Assert.True(double.IsNaN(r.History[0].TrainAccuracy));   // the step predicts no classes
        Assert.Equal(3.0, step.A.weight!.item<float>(), 2);
    }

    [Fact]
    public void A_two_phase_step_gets_two_optimisers()
    {
        Seeding.SeedEverything(1);
        using var step = new ToyStep(twoPhases: true);
        new TrainingLoop(new ToyOptions()).Run(step, _ => Enumerable.Range(0, 5), 5);
        Assert.Equal(2, step.OptimizerCount);
        // Each phase's optimiser moved its own weight to its own target.
        Assert.Equal(3.0, step.A.weight!.item<float>(), 2);
        Assert.Equal(-2.0, step.B.weight!.item<float>(), 2);
    }

    [Fact]
    public void A_non_finite_loss_stops_training_with_a_clear_error()
    {
        Seeding.SeedEverything(1);
        using var step = new ToyStep(twoPhases: false) { NanAtStep = 7 };
        var e = Assert.Throws<NonFiniteLossException>(() => new TrainingLoop(new ToyOptions()).Run(step, _ => Enumerable.Range(0, 5), 5));
        Assert.Equal(7, step.Steps);                            // no step after the bad one
        Assert.Equal((2, 2), (e.Epoch, e.Step));
        Assert.Contains("diverged", e.Message);
        Assert.Contains("learning rate", e.Message);
    }

    [Fact]
    public void Cancellation_is_checked_before_every_step()
    {
        Seeding.SeedEverything(1);
        using var step = new ToyStep(twoPhases: false);
        using var cts = new CancellationTokenSource();
        IEnumerable<int> Batches(int epoch)
        {
            for (int i = 0; i < 5; i++)
            {
                if (epoch == 2 && i == 3) cts.Cancel();
                yield return i;
            }
        }
        Assert.Throws<OperationCanceledException>(() => new TrainingLoop(new ToyOptions()).Run(step, Batches, 5, cancellation: cts.Token));
        Assert.Equal(8, step.Steps);                            // 5 in epoch 1, 3 in epoch 2
    }
}
