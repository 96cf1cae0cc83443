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
        /// <summary>Scale the inputs by the batch number, so that different batch orders give different numbers.</summary>
        public bool Scaled;

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
            var input = Scaled ? x * (1 + 0.2 * batch) : x;
            var loss = functional.mse_loss(A.call(input), input * 3);
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

    [Fact]
    public void Resuming_gives_the_same_numbers_as_an_uninterrupted_run()
    {
        // SGD with momentum and cosine decay: the resumed run needs the optimiser state and the schedule position.
        var options = new ToyOptions { Momentum = 0.9, Schedule = ScheduleKind.Cosine, LearningRate = 0.02 };
        // Each epoch's batches differ (scale factors), derived from the epoch alone as the trainers' shuffles are.
        IEnumerable<int> Batches(int epoch) => Enumerable.Range(0, 5).Select(i => (epoch * 7 + i) % 5);

        Seeding.SeedEverything(3);
        using var full = new ToyStep(twoPhases: false) { Scaled = true };
        var uninterrupted = new TrainingLoop(options).Run(full, Batches, 5);

        using var dir = new TestData.TempFolder();
        string statePath = dir.File("optimizer.pt");
        Seeding.SeedEverything(3);
        using var first = new ToyStep(twoPhases: false) { Scaled = true };
        IReadOnlyList<EpochMetrics>? saved = null;
        float savedWeight = 0;
        var stop = new LoopHooks
        {
            EpochEnded = e =>
            {
                if (e.Epoch != 2) return;
                e.Optimizer.save_state_dict(statePath);
                (saved, savedWeight) = (e.History, first.A.weight!.item<float>());
                throw new OperationCanceledException();   // interrupted after epoch 2's checkpoint
            },
        };
        Assert.Throws<OperationCanceledException>(() => new TrainingLoop(options).Run(first, Batches, 5, stop));

        using var second = new ToyStep(twoPhases: false) { Scaled = true };
        using (no_grad()) second.A.weight!.fill_(savedWeight);
        var resumed = new TrainingLoop(options).Run(second, Batches, 5, new LoopHooks { Resume = new ResumePoint(saved!, statePath) });

        Assert.Equal(10, resumed.Steps);
        Assert.Equal(uninterrupted.History.Select(h => (h.TrainLoss, h.LearningRate)), resumed.History.Select(h => (h.TrainLoss, h.LearningRate)));
        Assert.Equal(full.A.weight!.item<float>(), second.A.weight!.item<float>());
    }

    [Fact]
    public void Early_stopping_restores_the_best_epoch()
    {
        Seeding.SeedEverything(1);
        using var step = new ToyStep(twoPhases: false);
        double[] accuracies = [0.5, 0.8, 0.7, 0.6, 0.9, 0.95];
        var weights = new List<float>();
        var hooks = new LoopHooks
        {
            // A scripted validation: best at epoch 2, then two epochs without improvement.
            EpochTrained = e =>
            {
                weights.Add(step.A.weight!.item<float>());
                return new EpochValidation(1 - accuracies[e.Epoch - 1], accuracies[e.Epoch - 1]);
            },
            Patience = 2,
            Model = step.A,
        };
        var r = new TrainingLoop(new ToyOptions { Epochs = 6, LearningRate = 0.01 }).Run(step, _ => Enumerable.Range(0, 3), 3, hooks);

        Assert.True(r.StoppedEarly);
        Assert.Equal(4, r.History.Count);
        Assert.Equal(2, r.BestEpoch);
        Assert.Equal([0.5, 0.8, 0.7, 0.6], r.History.Select(h => h.ValidationAccuracy!.Value));
        Assert.NotEqual(weights[1], weights[3]);
        Assert.Equal(weights[1], step.A.weight!.item<float>());   // epoch 2's weights are back
    }

    [Fact]
    public void Without_a_validation_score_the_last_epoch_is_the_best()
    {
        Seeding.SeedEverything(1);
        using var step = new ToyStep(twoPhases: false);
        var r = new TrainingLoop(new ToyOptions()).Run(step, _ => Enumerable.Range(0, 2), 2);
        Assert.Equal((4, false), (r.BestEpoch, r.StoppedEarly));
        Assert.All(r.History, h => Assert.Null(h.ValidationAccuracy));
    }
}
