using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Models;
using TransferSharp.Training;
using static TransferSharp.Tests.Training.MetaDevice;

namespace TransferSharp.Tests.DomainAdaptation;

/// <summary>
/// Every registered adaptation method's step, before and after its switch point (SHOT-IM, SHOT), with meta as the default
/// device (see <see cref="Training.MetaDevice.AsDefault"/>): the steps' own modules (discriminators, MCD's second head, the mean
/// teacher) sit on the network's device, and every tensor a step makes follows it. The label-free validators, AdaBN's
/// statistics and feature extraction too.
/// </summary>
[Collection("Sequential")]
public sealed class AdaptationDeviceTests
{
    public static TheoryData<string> Methods => new(AdaptationMethods.All.Select(m => m.Name));

    private static AdaptationBatch Batch() =>
        new(rand(4, 1, 28, 28), tensor(new long[] { 0, 1, 2, 0 }), rand(4, 1, 28, 28));

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_step_makes_every_tensor_on_the_networks_device(string name)
    {
        var method = AdaptationMethods.Find(name)!;
        using var backbone = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 3));
        using var network = new AdaptationNetwork(backbone, 16);
        var step = method.CreateStep(network, method.DefaultOptions);
        // SHOT clusters the unlabelled target set (made before meta becomes the default device, as the trainer's is).
        using var target = new Dataset("target", rand(8, 1, 28, 28), null, ["0", "1", "2"], "random");
        (step as IUnlabelledTargetSet)?.SetTarget(target);
        try
        {
            foreach (double p in new[] { 0.1, 0.9 }) RunWithMetaDefault(step, Batch(), p);
        }
        finally
        {
            (step as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void The_steps_own_modules_follow_the_network_to_its_device()
    {
        using var backbone = ModelZoo.Create(new ModelSpec("mlp", [6], 3));
        using var network = new AdaptationNetwork(backbone, 8).MoveTo(Meta);
        foreach (var method in new IAdaptationMethod[] { Dann.Method, Cdan.Method, Mcd.Method })
        {
            var step = method.CreateStep(network, method.DefaultOptions);
            try
            {
                Assert.All(step.Phases.SelectMany(ph => ph.Groups).SelectMany(g => g.Parameters), p => Assert.Equal(DeviceType.META, p.device_type));
            }
            finally
            {
                (step as IDisposable)?.Dispose();
            }
        }
    }

    [Fact]
    public void Validators_statistics_and_features_make_their_tensors_on_the_networks_device()
    {
        using var backbone = ModelZoo.Create(new ModelSpec("cnn", [1, 8, 8], 3));
        using var network = new AdaptationNetwork(backbone, 8);
        using var target = TestData.Squares(4, 3, 1, 8, seed: 2);
        using var meta = AsDefault();
        Assert.True(double.IsFinite(LabelFreeValidators.Score(network, target.Inputs).Snd));
        Assert.True(AdaBn.RecomputeStatistics(network, target.Inputs, 4) > 0);
        Assert.Equal(12, network.ExtractFeatures(target.Inputs).GetLength(0));
    }
}
