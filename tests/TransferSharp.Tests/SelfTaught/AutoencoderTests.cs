using TransferSharp.Data;
using TransferSharp.SelfTaught;
using TransferSharp.Training;

namespace TransferSharp.Tests.SelfTaught;

[Collection("Sequential")]
public sealed class AutoencoderTests
{
    [Theory]
    [InlineData(AutoencoderKind.Dense, 0.0, 3.0)]
    [InlineData(AutoencoderKind.Dense, 0.3, 0.0)]
    [InlineData(AutoencoderKind.Conv, 0.0, 3.0)]
    public void Reconstruction_loss_falls(AutoencoderKind kind, double corruption, double sparsity)
    {
        using var squares = TestData.Squares(perClass: 50, classes: 4, channels: 1, side: 8, seed: 0);
        var options = new AutoencoderOptions
        {
            Kind = kind, HiddenUnits = 16, ConvChannels = [8, 8], Corruption = corruption, SparsityWeight = sparsity,
            Epochs = 40, BatchSize = 32, LearningRate = 1e-2, Threads = 1,
        };
        // What predicting the mean image would cost: ½‖x − x̄‖² per example.
        double meanImageLoss = 0.5 * (squares.Inputs - squares.Inputs.mean([0], keepdim: true)).square().flatten(1).sum(1).mean().item<float>();
        var reports = new List<double>();
        var result = new AutoencoderTrainer(options).Fit(squares, new Progress(reports));
        using var model = result.Model;
        Assert.Equal(40, result.History.Count);
        string trace = $"{kind}: epochs {result.History[0].ReconstructionLoss:0.000} -> {result.Final.ReconstructionLoss:0.000}, " +
                       $"clean {model.ReconstructionLoss(squares):0.000}, mean image {meanImageLoss:0.000}";
        Assert.True(result.Final.ReconstructionLoss < 0.7 * result.History[0].ReconstructionLoss, trace);
        // Evaluated without noise, the trained model reconstructs far better than the mean image would.
        Assert.True(model.ReconstructionLoss(squares) < 0.5 * meanImageLoss, trace);
        Assert.NotEmpty(reports);
        using var codes = model.EncodeDataset(squares);
        Assert.Equal([squares.Count, model.CodeSize], codes.Inputs.shape);
        var pairs = model.ReconstructionExamples(squares, 3);
        Assert.Equal(3, pairs.Count);
        Assert.Equal(64, pairs[0].Reconstruction.Length);
    }

    [Fact]
    public void The_reconstruction_loss_is_half_the_mean_squared_distance_per_example()
    {
        using var recon = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var target = tensor(new float[] { 0, 0, 1, 1 }, [2, 2]);
        // Per example: (1² + 2²) = 5 and (2² + 3²) = 13; mean 9; half 4.5.
        using var loss = AutoencoderTrainer.ReconstructionLoss(recon, target);
        Assert.Equal(4.5f, loss.item<float>(), 5);
    }

    [Fact]
    public void A_deep_dense_autoencoder_mirrors_its_layers_and_learns()
    {
        using var squares = TestData.Squares(perClass: 50, classes: 4, channels: 1, side: 8, seed: 2);
        var options = new AutoencoderOptions { HiddenUnits = 8, DenseLayers = [32], Epochs = 40, BatchSize = 32, LearningRate = 1e-2, Threads = 1 };
        var result = new AutoencoderTrainer(options).Fit(squares);
        using var model = result.Model;
        // 64 -> 32 -> 8 (code) -> 32 -> 64: four linear layers, weights (out, in).
        var weights = model.parameters().Where(p => p.dim() == 2).Select(p => $"{p.shape[0]}x{p.shape[1]}").ToArray();
        Assert.Equal(["32x64", "8x32", "32x8", "64x32"], weights);
        Assert.Equal(8, model.CodeSize);
        Assert.True(result.Final.ReconstructionLoss < 0.7 * result.History[0].ReconstructionLoss,
            $"{result.History[0].ReconstructionLoss} -> {result.Final.ReconstructionLoss}");
        // The one-layer default keeps its state-dict keys, so earlier checkpoints still load.
        using var shallow = Autoencoder.Create([1, 8, 8], new AutoencoderOptions { HiddenUnits = 8 });
        Assert.Equal(["encoder.1.weight", "encoder.1.bias", "decoder.0.weight", "decoder.0.bias"], shallow.state_dict().Keys);
        Assert.Equal("DenseLayers", new AutoencoderOptions { DenseLayers = [0] }.Validate().Single().Field);
    }

    [Fact]
    public void The_sparsity_penalty_pulls_the_mean_activation_to_its_target()
    {
        using var squares = TestData.Squares(perClass: 50, classes: 4, channels: 1, side: 8, seed: 1);
        var baseOptions = new AutoencoderOptions { HiddenUnits = 32, Epochs = 20, BatchSize = 50, LearningRate = 1e-2, WeightDecay = 0, Threads = 1 };
        var sparse = new AutoencoderTrainer(baseOptions with { SparsityWeight = 3, SparsityTarget = 0.05 }).Fit(squares);
        var dense = new AutoencoderTrainer(baseOptions with { SparsityWeight = 0 }).Fit(squares);
        sparse.Model.Dispose();
        dense.Model.Dispose();
        Assert.InRange(sparse.Final.MeanActivation, 0.02, 0.12);
        Assert.True(dense.Final.MeanActivation > 2 * sparse.Final.MeanActivation, $"{dense.Final.MeanActivation} vs {sparse.Final.MeanActivation}");
    }

    [Fact]
    public void Bad_options_and_shapes_give_clean_errors()
    {
        var e = new AutoencoderOptions { HiddenUnits = 0, Corruption = 1, SparsityTarget = 0, Epochs = 0, LearningRate = -1 }.Validate();
        Assert.Equal(["HiddenUnits", "Corruption", "SparsityTarget", "Epochs", "LearningRate"], e.Select(x => x.Field));
        Assert.Contains(e, m => m.Message.Contains("hidden units"));
        Assert.Contains(e, m => m.Message.Contains("corruption"));
        Assert.Contains(e, m => m.Message.Contains("sparsity target"));
        Assert.Contains(e, m => m.Message.Contains("epochs"));
        Assert.Contains(e, m => m.Message.Contains("learning rate"));
        Assert.Equal("BatchSize", Assert.Single(Assert.Throws<InvalidOptionsException>(() => new AutoencoderTrainer(new AutoencoderOptions { BatchSize = 0 })).Errors).Field);

        var conv = new AutoencoderOptions { Kind = AutoencoderKind.Conv };
        Assert.Contains("divisible by 4", Assert.Throws<ArgumentException>(() => Autoencoder.Create([1, 10, 10], conv)).Message);
        Assert.Contains("needs images", Assert.Throws<ArgumentException>(() => Autoencoder.Create([20], conv)).Message);

        using var model = Autoencoder.Create([1, 8, 8], new AutoencoderOptions { HiddenUnits = 4 });
        using var wrong = TestData.Squares(perClass: 2, classes: 2, channels: 1, side: 12, seed: 0);
        Assert.Contains("[1, 12, 12]", Assert.Throws<ArgumentException>(() => model.ReconstructionLoss(wrong)).Message);
    }

    [Fact]
    public void Feature_vectors_get_a_linear_output()
    {
        using var blobs = TestData.Blobs(perClass: 30, classes: 3, dims: 6, seed: 0);
        var result = new AutoencoderTrainer(new AutoencoderOptions { HiddenUnits = 6, SparsityWeight = 0, Epochs = 30, BatchSize = 30, LearningRate = 1e-2, Threads = 1 }).Fit(blobs);
        using var model = result.Model;
        // Blobs have values far outside [0, 1]; a sigmoid output could not fall below ~½·6·(mean square) ≈ 5.
        Assert.True(result.Final.ReconstructionLoss < 0.5 * result.History[0].ReconstructionLoss);
    }

    private sealed class Progress(List<double> sink) : IProgress<TransferSharp.Training.TrainingProgress>
    {
        public void Report(TransferSharp.Training.TrainingProgress value) => sink.Add(value.Loss);
    }
}
