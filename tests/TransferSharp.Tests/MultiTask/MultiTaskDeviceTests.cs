using TransferSharp.MultiTask;
using TransferSharp.Training;
using static TransferSharp.Tests.Training.MetaDevice;

namespace TransferSharp.Tests.MultiTask;

/// <summary>
/// The multitask step (all tasks in one step, learnt uncertainty weights) with meta as the default device (see
/// <see cref="Training.MetaDevice.AsDefault"/>), and the loss weights on meta tensors.
/// </summary>
[Collection("Sequential")]
public sealed class MultiTaskDeviceTests
{
    [Fact]
    public void A_multitask_step_makes_every_tensor_on_the_models_device()
    {
        using var model = MultiTaskModel.Create(new MultiTaskSpec("cnn", [1, 8, 8], 3, [new("a", 3), new("b", 2)]));
        using var a = TestData.Squares(4, 3, 1, 8, seed: 1);
        using var b = TestData.Squares(4, 2, 1, 8, seed: 2);
        using var loss = new MultiTaskLoss(LossWeighting.Uncertainty, [1.0, 1.0]);
        using var streamA = new BatchStream(a, 4, 1);
        using var streamB = new BatchStream(b, 4, 2);
        var step = new MultiTaskStep(model, loss, new TaskSampler(TaskSampling.AllTasks, [a.Count, b.Count], [1.0, 1.0], 0),
            [streamA, streamB], ["a", "b"], model.parameters().ToArray());
        var r = RunWithMetaDefault(step, 1);
        Assert.Equal(8, r.Examples);
        Assert.Equal(2, loss.Weights().Length);
    }

    [Fact]
    public void Learnt_loss_weights_follow_the_task_losses_device()
    {
        using var scope = NewDisposeScope();
        using var loss = new MultiTaskLoss(LossWeighting.Uncertainty, [1.0, 2.0]).MoveTo(Meta);
        var total = loss.Combine([randn(1, device: Meta).squeeze(), null]);
        Assert.Equal(DeviceType.META, total.device_type);
        total.backward();
    }
}
