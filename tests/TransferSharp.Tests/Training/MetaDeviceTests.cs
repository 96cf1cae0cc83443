using TransferSharp.Losses;
using static TransferSharp.Tests.Training.MetaDevice;

namespace TransferSharp.Tests.Training;

/// <summary>
/// The losses of the methods on meta inputs (see <see cref="MetaDevice"/>): each is computed and back-propagated on
/// the device of its inputs. The ops meta lacks are shown here, with the paths they keep off meta; those paths are
/// checked with meta as the default device instead (the *DeviceTests of each family).
/// </summary>
public sealed class MetaDeviceTests
{
    [Fact]
    public void Meta_catches_a_cpu_tensor_in_a_meta_computation()
    {
        using var scope = NewDisposeScope();
        var x = randn(4, 3, device: Meta);
        var e = Assert.ThrowsAny<Exception>(() => (x + ones(4, 3)).sum());
        Assert.Contains("same device", e.Message);
        Assert.False(IsRead(e));
    }

    [Fact]
    public void Meta_computes_shapes_and_refuses_reads()
    {
        using var scope = NewDisposeScope();
        var y = randn(4, 3, device: Meta).matmul(randn(3, 2, device: Meta));
        Assert.Equal([4L, 2], y.shape);
        Assert.True(IsRead(Assert.ThrowsAny<Exception>(() => y.sum().item<float>())));
    }

    /// <summary>Why the zoo's models, DANN/CDAN's domain loss, MCD's discrepancy, MCC's loss and the translation model
    /// are checked with meta as the default device rather than on meta: libtorch has no meta kernel for these ops.</summary>
    [Theory]
    [InlineData("relu (every zoo model)")]
    [InlineData("conv2d (lenet, cnn, resnet, the convolutional autoencoder)")]
    [InlineData("batch norm (cnn, resnet, bottlenecks, discriminators)")]
    [InlineData("index_select (embeddings: the translation model; DAP, ConSE)")]
    [InlineData("binary cross-entropy with logits (DANN, CDAN)")]
    [InlineData("abs (MCD's discrepancy)")]
    [InlineData("trace (MCC)")]
    public void Meta_has_no_kernel_for(string op)
    {
        using var scope = NewDisposeScope();
        var x = randn(4, 3, device: Meta);
        Action run = op.Split(' ')[0] switch
        {
            "relu" => () => functional.relu(x),
            "conv2d" => () => functional.conv2d(randn(1, 1, 8, 8, device: Meta), randn(2, 1, 3, 3, device: Meta)),
            "batch" => () => functional.batch_norm(x, zeros(3, device: Meta), ones(3, device: Meta), training: true),
            "index_select" => () => x.index_select(0, zeros(2, ScalarType.Int64, device: Meta)),
            "binary" => () => functional.binary_cross_entropy_with_logits(x, x.sigmoid()),
            "abs" => () => x.abs(),
            "trace" => () => randn(3, 3, device: Meta).trace(),
            _ => throw new ArgumentException(op),
        };
        var e = Assert.ThrowsAny<Exception>(run);
        Assert.False(IsRead(e));
        Assert.DoesNotContain("same device", e.Message);
    }

    [Fact]
    public void L2_sp_follows_its_weights()
    {
        using var scope = NewDisposeScope();
        var w = randn(3, 2, device: Meta).requires_grad_();
        using var penalty = new StartingPointPenalty([w], [randn(2, device: Meta).requires_grad_()], 0.1, 0.1);
        var total = penalty.Compute();
        Assert.Equal(DeviceType.META, total.device_type);
        total.backward();
    }

    [Theory]
    [InlineData("distillation")]
    [InlineData("entropy")]
    [InlineData("mmd")]
    [InlineData("coral")]
    [InlineData("sparsity")]
    public void The_alignment_and_regularising_losses_follow_their_inputs(string name)
    {
        using var scope = NewDisposeScope();
        var s = randn(8, 5, device: Meta).requires_grad_();
        var loss = name switch
        {
            "distillation" => Distillation.Loss(s, randn(8, 5, device: Meta), 2),
            "entropy" => Entropy.Mean(s),
            "mmd" => Mmd.Loss(s.narrow(0, 0, 4), s.narrow(0, 4, 4)),
            "coral" => Coral.Loss(s.narrow(0, 0, 4), s.narrow(0, 4, 4)),
            _ => Sparsity.KlDivergence(s.sigmoid(), 0.05),
        };
        Assert.Equal(DeviceType.META, loss.device_type);
        // The backward of clamp (MMD's distances, the sparsity's rates) goes through where, which meta lacks.
        if (name is not ("mmd" or "sparsity")) loss.backward();
    }

    [Fact]
    public void Shot_im_and_the_domain_conditioning_follow_their_inputs()
    {
        using var scope = NewDisposeScope();
        var logits = randn(6, 4, device: Meta).requires_grad_();
        var features = randn(6, 3, device: Meta);
        // SHOT-IM's loss as ShotIm.AdaptStep computes it: mean entropy minus the diversity of the mean prediction.
        var mean = functional.softmax(logits, 1).mean([0]);
        var im = Entropy.Mean(logits) + (mean * (mean + 1e-5).log()).sum();
        im.backward();
        Assert.Equal([6L, 12], DomainAdversarial.ConditionOnPredictions(features, functional.softmax(logits, 1)).shape);
    }
}
