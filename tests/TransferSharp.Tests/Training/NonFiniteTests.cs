using TorchSharp.Modules;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

/// <summary>Issue 16, cause 4: numeric blow-ups stop training (loss, gradient, weights) and NaN never enters as weights or options.</summary>
[Collection("Sequential")]
public sealed class NonFiniteTests
{
    private sealed record Options : TrainerOptions
    {
        public Options()
        {
            Epochs = 3;
            LearningRate = 0.1;
            Optimizer = OptimizerKind.Sgd;
            Momentum = 0;
            Schedule = ScheduleKind.Constant;
            Threads = 1;
        }
    }

    /// <summary>Fits y = 3x; at step <see cref="BadGradientAt"/> the gradient is NaN while the loss stays finite, and at
    /// step <see cref="BadWeightAt"/> the update overflows the weight to infinity (the loss of that step is finite).</summary>
    private sealed class Step : ITrainingStep<int>, IDisposable
    {
        public readonly Linear A = nn.Linear(1, 1, hasBias: false);
        private readonly Tensor x = tensor(new float[] { 1, 2, -1, 0.5f }).reshape(4, 1);
        public int BadGradientAt = -1, BadWeightAt = -1, Steps;

        public Step() => Phases = [new TrainingPhase("a", [new ParameterGroupSpec(A.parameters().ToArray())])];
        public IReadOnlyList<TrainingPhase> Phases { get; }
        public void SetTraining(bool training) => A.train(training);

        public StepOutcome Run(int batch, StepContext context)
        {
            Steps++;
            var o = context.Optimizers[0];
            o.zero_grad();
            var loss = functional.mse_loss(A.call(x), x * 3);
            loss.backward();
            using (no_grad())
            {
                if (Steps == BadGradientAt) A.weight!.grad!.fill_(float.NaN);
                else o.step();
                if (Steps == BadWeightAt) A.weight!.fill_(float.PositiveInfinity);
            }
            return new StepOutcome(loss.item<float>(), 4, 0) { Predictions = 0 };
        }

        public void Dispose() { A.Dispose(); x.Dispose(); }
    }

    [Fact]
    public void A_non_finite_gradient_with_a_finite_loss_stops_at_that_step()
    {
        Seeding.SeedEverything(1);
        using var step = new Step { BadGradientAt = 7 };
        int saved = 0;
        var e = Assert.Throws<NonFiniteLossException>(() => new TrainingLoop(new Options()).Run(step, _ => Enumerable.Range(0, 5), 5,
            new LoopHooks { EpochEnded = _ => saved++ }));
        Assert.Equal(7, step.Steps);
        Assert.Equal(("gradient", 2, 2, 1), (e.Quantity, e.Epoch, e.Step, e.LastGoodEpoch));
        Assert.Equal(1, saved);                       // epoch 1's checkpoint was written, epoch 2's never
    }

    [Fact]
    public void Weights_that_overflow_on_an_epochs_last_step_are_never_checkpointed()
    {
        Seeding.SeedEverything(1);
        using var step = new Step { BadWeightAt = 10 };   // the last step of epoch 2
        int saved = 0;
        var e = Assert.Throws<NonFiniteLossException>(() => new TrainingLoop(new Options()).Run(step, _ => Enumerable.Range(0, 5), 5,
            new LoopHooks { EpochEnded = _ => saved++ }));
        Assert.Equal(("weights", 2, 1), (e.Quantity, e.Epoch, e.LastGoodEpoch));
        Assert.Equal(1, saved);
    }

    [Fact]
    public void Non_finite_values_in_any_floating_point_option_are_refused_naming_the_field()
    {
        // Range checks written as "x < 0" let NaN through: a family field and a nested method field.
        var errors = new TransferSharp.FineTuning.TransferabilityOptions { TestFraction = double.NaN }.Validate();
        Assert.Contains(errors, x => x.Field == "TestFraction");
        var nested = new TransferSharp.DomainAdaptation.AdaptationOptions { Method = new TransferSharp.DomainAdaptation.Dann.Options { ReversalGamma = double.PositiveInfinity } }.Validate();
        Assert.Contains(nested, x => x.Field == "Method.ReversalGamma");
        Assert.Empty(new TransferSharp.DomainAdaptation.AdaptationOptions().Validate());
    }

    [Fact]
    public void A_checkpoint_with_NaN_weights_is_refused_on_load_naming_the_file_and_tensor()
    {
        using var dir = new TestData.TempFolder();
        var spec = new ModelSpec("mlp", [4], 3);
        using (var model = ModelZoo.Create(spec))
        {
            using (no_grad()) model.parameters().First().fill_(float.NaN);
            Checkpoint.Save(Path.Combine(dir.Path, "model.pt"), model,
                new CheckpointInfo { Architecture = "mlp", InputShape = [4], ClassNames = ["a", "b", "c"] });
        }
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(Path.Combine(dir.Path, "model.pt")));
        Assert.Contains("model.pt", e.Message);
        Assert.Contains("NaN or infinite", e.Message);
    }

    [Fact]
    public void More_threads_than_cores_are_capped_at_the_cores() =>
        Assert.Equal(Environment.ProcessorCount, Seeding.SetThreads(1000));
}

/// <summary>Regressions of inputs found with the fuzzing harness (fuzz/README.md): each gave an unhandled exception.</summary>
public sealed class FuzzRegressionTests
{
    [Theory]
    [InlineData("""{"format":"transfersharp-checkpoint/1","architecture":"mlp","input_shape":null,"class_names":["a"]}""", "input_shape")]
    [InlineData("""{"format":"transfersharp-checkpoint/1","architecture":"mlp","input_shape":[4],"class_names":null}""", "class_names")]
    [InlineData("""{"format":"transfersharp-checkpoint/1","architecture":"mlp","input_shape":[4],"class_names":["a",null]}""", "class_names")]
    [InlineData("""{"format":"transfersharp-checkpoint/1","architecture":null,"input_shape":[4],"class_names":["a"]}""", "architecture")]
    public void A_sidecar_with_null_fields_is_bad_input_naming_them(string json, string field)
    {
        using var dir = new TestData.TempFolder();
        var weights = Path.Combine(dir.Path, "model.pt");
        File.WriteAllBytes(weights, []);
        File.WriteAllText(Path.Combine(dir.Path, "model.json"), json);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadInfo(weights));
        Assert.Contains(field, e.Message);
        Assert.Contains("model.json", e.Message);
    }
}
