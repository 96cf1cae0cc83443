using TransferSharp.Evaluation;
using TransferSharp.SelfTaught;
using static TransferSharp.Tests.Training.MetaDevice;

namespace TransferSharp.Tests.SelfTaught;

/// <summary>
/// The autoencoders' losses and encodings, DEC, k-means and PCA with meta as the default device (see
/// <see cref="Training.MetaDevice.AsDefault"/>): model and data on the CPU, every tensor made on their device.
/// </summary>
[Collection("Sequential")]
public sealed class SelfTaughtDeviceTests
{
    [Theory]
    [InlineData(AutoencoderKind.Dense)]
    [InlineData(AutoencoderKind.Conv)]
    public void Autoencoder_losses_and_codes_make_their_tensors_on_the_models_device(AutoencoderKind kind)
    {
        using var data = TestData.Squares(4, 2, 1, 8, seed: 1);
        using var model = Autoencoder.Create([1, 8, 8], new AutoencoderOptions { Kind = kind, HiddenUnits = 6, ConvChannels = [4] });
        using var meta = AsDefault();
        Assert.True(double.IsFinite(model.ReconstructionLoss(data)));
        Assert.Single(model.ReconstructionExamples(data, 1));
        using var codes = model.EncodeDataset(data);
        Assert.Equal(DeviceType.CPU, codes.Inputs.device_type);
    }

    [Fact]
    public void The_denoising_sparse_autoencoder_step_makes_its_tensors_on_the_models_device()
    {
        var options = new AutoencoderOptions { HiddenUnits = 6, Corruption = 0.3, SparsityWeight = 0.1 };
        using var model = Autoencoder.Create([1, 8, 8], options);
        using var step = new AutoencoderTrainer.AutoencoderStep(model, options);
        var r = RunWithMetaDefault(step, new TransferSharp.Data.Batch(rand(4, 1, 8, 8), null));
        Assert.Equal(4, r.Examples);
    }

    [Fact]
    public void Dec_kmeans_and_pca_make_their_tensors_on_the_datas_device()
    {
        using var data = TestData.Squares(6, 2, 1, 8, seed: 1);
        using var model = Autoencoder.Create([1, 8, 8], new AutoencoderOptions { HiddenUnits = 4 });
        var start = new float[2, 4];
        start[1, 0] = 1;
        using var meta = AsDefault();
        var dec = new DeepEmbeddedClustering(new DecOptions { Epochs = 1, BatchSize = 4 }).Fit(model, data, start);
        Assert.Equal(12, dec.Assignments.Length);
        Assert.Equal(12, new KMeans(new KMeansOptions { Clusters = 2 }).Fit(data.Inputs.flatten(1)).Assignments.Length);
        using var pca = Pca.Fit(data.Inputs.flatten(1), 2);
        Assert.Equal([12L, 2], pca.Transform(data.Inputs.flatten(1)).shape);
    }
}
