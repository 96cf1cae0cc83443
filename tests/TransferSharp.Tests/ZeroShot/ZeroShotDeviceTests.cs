using TransferSharp.Losses;
using TransferSharp.Models;
using TransferSharp.ZeroShot;
using static TransferSharp.Tests.Training.MetaDevice;

namespace TransferSharp.Tests.ZeroShot;

/// <summary>
/// The zero-shot heads (every method's scores, the embedding's max-margin loss) with meta as the default device (see
/// <see cref="Training.MetaDevice.AsDefault"/>): the class descriptions and index tensors are made on the network's device.
/// </summary>
[Collection("Sequential")]
public sealed class ZeroShotDeviceTests
{
    [Theory]
    [InlineData(ZeroShotMethod.Dap)]
    [InlineData(ZeroShotMethod.Embedding)]
    [InlineData(ZeroShotMethod.ConSE)]
    [InlineData(ZeroShotMethod.Eszsl)]
    public void Scores_make_their_tensors_on_the_networks_device(ZeroShotMethod method)
    {
        using var data = ZeroShotMethodsTests.AttributeData(4, seed: 1);
        var descriptions = ZeroShotMethodsTests.Descriptions();
        using var model = ZeroShotExperiment.Train(method, ZeroShotMethodsTests.Options with { Epochs = 1 }, data, descriptions);
        using var meta = AsDefault();
        var scores = model.Score(data, descriptions);
        Assert.Equal(descriptions.Count, scores.GetLength(1));
    }

    [Fact]
    public void Dap_training_and_the_eszsl_solve_make_their_tensors_on_the_networks_device()
    {
        using var data = ZeroShotMethodsTests.AttributeData(4, seed: 1);
        var descriptions = ZeroShotMethodsTests.Descriptions();
        using var network = ModelZoo.Create(new ModelSpec("mlp", [8], descriptions.Dimension));
        using var classes = descriptions.ToTensor();
        using var keep = tensor(new long[] { 0, 1, 2, 3 });
        using (var scope = NewDisposeScope())
        using (AsDefault())
        {
            var r = DapTrainer.Loss(network, classes, keep, data.Inputs.narrow(0, 0, 6), data.Labels!.narrow(0, 0, 6));
            r.Loss.backward();
            Assert.Equal(24, r.Count);
        }
        var classifier = ModelZoo.Create(new ModelSpec("mlp", [8], descriptions.Count));   // the model owns it
        using var meta = AsDefault();
        using var eszsl = EszslTrainer.Solve(classifier, [], data, descriptions, seed: 1);
        Assert.True(eszsl.Gamma > 0);
    }

    [Theory]
    [InlineData(MaxMarginKind.Structured)]
    [InlineData(MaxMarginKind.Sum)]
    public void The_embedding_loss_makes_its_tensors_on_the_networks_device(MaxMarginKind kind)
    {
        var descriptions = ZeroShotMethodsTests.Descriptions();
        using var network = new JointEmbedding(ModelZoo.Create(new ModelSpec("mlp", [8], 6)), nn.Linear(descriptions.Dimension, 6));
        using var classes = descriptions.ToTensor();
        using var scope = NewDisposeScope();
        using var meta = AsDefault();
        var scores = network.Scores(rand(5, 8, device: CPU), classes);
        var loss = MaxMarginEmbedding.Loss(scores, tensor(new long[] { 0, 1, 2, 3, 4 }, device: CPU), 1, kind);
        loss.backward();
        Assert.True(float.IsFinite(loss.item<float>()));
    }
}
