using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Training;
using static TransferSharp.Tests.Training.MetaDevice;

namespace TransferSharp.Tests.Training;

/// <summary>
/// Supervised training, fine-tuning and evaluation with meta as TorchSharp's default device (see
/// <see cref="MetaDevice.AsDefault"/>): model and data on the CPU, so a tensor made without the device of the tensors
/// it works with breaks the step.
/// </summary>
[Collection("Sequential")]
public sealed class DefaultDeviceTests
{
    [Fact]
    public void A_tensor_made_without_a_device_breaks_a_step_under_the_meta_default()
    {
        using var model = ModelZoo.Create(new ModelSpec("mlp", [6], 3));
        // An extra loss that forgets the device, as the L2-SP penalty did with zeros(1).
        var step = new SupervisedStep(model, extraLoss: (_, logits) => zeros(1).squeeze() + logits.mean() * 0);
        var batch = new Batch(rand(4, 6), tensor(new long[] { 0, 1, 2, 0 }));
        Assert.ThrowsAny<Exception>(() => RunWithMetaDefault(step, batch));
    }

    [Theory]
    [InlineData("lenet", 1, 28)]
    [InlineData("cnn", 3, 16)]
    [InlineData("mlp", 1, 8)]
    [InlineData("resnet18", 3, 32)]
    public void A_supervised_step_makes_every_tensor_on_the_models_device(string architecture, int channels, int side)
    {
        using var model = ModelZoo.Create(new ModelSpec(architecture, [channels, side, side], 5));
        var step = new SupervisedStep(model);
        var r = RunWithMetaDefault(step, new Batch(rand(4, channels, side, side), tensor(new long[] { 0, 1, 2, 3 })));
        Assert.Equal(4, r.Examples);
    }

    [Fact]
    public void L2_sp_and_distillation_make_their_tensors_on_the_models_device()
    {
        using var source = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 4));
        var transferred = LayerTransfer.Build(source, new ModelSpec("lenet", [1, 28, 28], 3), new LayerTransferOptions());
        using var target = transferred.Model;
        using var conservative = new ConservativeTraining(transferred, source,
            new ConservativeOptions { StartingPointAlpha = 0.01, StartingPointBeta = 0.01, DistillationWeight = 1 });
        var hooks = conservative.Apply(new TrainingHooks { ParameterGroups = transferred.ParameterGroups() });
        var step = new SupervisedStep(target, hooks.ParameterGroups, hooks.ExtraLoss);
        RunWithMetaDefault(step, new Batch(rand(4, 1, 28, 28), tensor(new long[] { 0, 1, 2, 0 })));
    }

    [Fact]
    public void Evaluation_prediction_and_feature_caching_make_their_tensors_on_the_models_device()
    {
        using var model = ModelZoo.Create(new ModelSpec("cnn", [1, 8, 8], 3));
        using var data = TestData.Squares(3, 3, 1, 8, seed: 1);
        using var meta = AsDefault();
        Assert.Equal(9, Metrics.Evaluate(model, data).Count);
        Assert.Equal(9, Metrics.Predict(model, data.Inputs).Classes.Length);
        using var cached = FeatureCache.Compute(model, data);
        Assert.Equal(DeviceType.CPU, cached.Inputs.device_type);
    }

    [Fact]
    public void A_parameter_group_built_before_the_move_is_refused()
    {
        if (!cuda.is_available()) return;   // needs a second device to move to
        using var model = ModelZoo.Create(new ModelSpec("mlp", [6], 3));
        using var data = TestData.Blobs(4, 3, 6, seed: 1);
        var hooks = new TrainingHooks { ParameterGroups = [new ParameterGroupSpec(model.parameters().ToArray())] };
        Assert.Throws<ArgumentException>(() => new SupervisedTrainer(new TrainingOptions { Epochs = 1, Device = "cuda" }).Fit(model, data, hooks: hooks));
    }

    [Fact]
    public void Moving_to_where_a_module_already_is_keeps_its_parameters()
    {
        using var model = ModelZoo.Create(new ModelSpec("mlp", [6], 3));
        var before = model.parameters().ToArray();
        model.MoveTo(CPU);
        Assert.Equal(before, model.parameters().ToArray());
    }
}
