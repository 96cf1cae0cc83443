using TorchSharp.Modules;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

[Collection("Sequential")]
public sealed class InPlaceOptimizerTests
{
    /// <summary>Trains two copies of one small net, one with TorchSharp's optimiser and one with ours, on the same batches.</summary>
    private static (float[] Reference, float[] InPlace) TrainBoth(Func<Module<Tensor, Tensor>, OptimizerHelper> reference,
        Func<Module<Tensor, Tensor>, OptimizerHelper> inPlace, int steps = 25)
    {
        Seeding.SeedEverything(3);
        using var a = Sequential(Linear(6, 16), ReLU(), Linear(16, 3));
        using var b = Sequential(Linear(6, 16), ReLU(), Linear(16, 3));
        b.load_state_dict(a.state_dict());
        using var optA = reference(a);
        using var optB = inPlace(b);
        using var g = new Generator(5UL);
        for (int s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            var x = randn([32, 6], generator: g);
            var y = randint(0, 3, [32], generator: g);
            foreach (var (model, opt) in new[] { (a, optA), (b, optB) })
            {
                opt.zero_grad();
                functional.cross_entropy(model.call(x), y).backward();
                opt.step();
            }
        }
        float[] Flat(Module<Tensor, Tensor> m) => m.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray();
        return (Flat(a), Flat(b));
    }

    private static Parameter[] Weights(Module<Tensor, Tensor> m) => m.parameters().Where(p => p.dim() > 1).ToArray();
    private static Parameter[] Biases(Module<Tensor, Tensor> m) => m.parameters().Where(p => p.dim() <= 1).ToArray();

    [Fact]
    public void Adam_with_L2_decay_and_two_groups_matches_TorchSharps_Adam()
    {
        var (reference, inPlace) = TrainBoth(
            m => optim.Adam([new Adam.ParamGroup(Weights(m), 0.01, weight_decay: 0.05), new Adam.ParamGroup(Biases(m), 0.003)], 0.01),
            m => Optimizers.Create(OptimizerKind.Adam, [new OptimizerGroup(Weights(m), 0.01, 0.05), new OptimizerGroup(Biases(m), 0.003)]));
        Assert.Equal(reference.Length, inPlace.Length);
        double maxDiff = reference.Zip(inPlace, (r, i) => Math.Abs(r - i)).Max();
        Assert.True(maxDiff < 1e-5, $"largest parameter difference after 25 steps: {maxDiff}");
        Assert.True(reference.Zip(inPlace).Any(t => t.First != 0), "parameters are all zero");
    }

    [Fact]
    public void AdamW_with_decoupled_decay_matches_TorchSharps_AdamW()
    {
        var (reference, inPlace) = TrainBoth(
            m => optim.AdamW(m.parameters(), 0.01, weight_decay: 0.1),
            m => Optimizers.Create(OptimizerKind.AdamW, [new OptimizerGroup(m.parameters().ToArray(), 0.01, 0.1)]));
        double maxDiff = reference.Zip(inPlace, (r, i) => Math.Abs(r - i)).Max();
        Assert.True(maxDiff < 1e-5, $"largest parameter difference after 25 steps: {maxDiff}");
    }

    [Theory]
    [InlineData(0.9, 0.0, false)]
    [InlineData(0.9, 0.01, true)]
    [InlineData(0.0, 0.01, false)]
    public void SGD_matches_TorchSharps_SGD(double momentum, double decay, bool nesterov)
    {
        var (reference, inPlace) = TrainBoth(
            m => optim.SGD([new SGD.ParamGroup(m.parameters(), 0.05, momentum: momentum, weight_decay: decay, nesterov: nesterov)], 0.05),
            m => new InPlace.SGD([new SGD.ParamGroup(m.parameters(), 0.05, momentum: momentum, weight_decay: decay, nesterov: nesterov)], 0.05));
        double maxDiff = reference.Zip(inPlace, (r, i) => Math.Abs(r - i)).Max();
        Assert.True(maxDiff < 1e-5, $"largest parameter difference after 25 steps: {maxDiff}");
    }

    [Fact]
    public void A_step_leaves_no_tensor_alive_and_the_optimiser_state_round_trips()
    {
        Seeding.SeedEverything(1);
        using var model = Sequential(Linear(4, 8), Tanh(), Linear(8, 2));
        using var opt = Optimizers.Create(OptimizerKind.Adam, [new OptimizerGroup(model.parameters().ToArray(), 0.01, 0.01)]);
        using var x = randn(16, 4);
        using var y = randint(0, 2, [16]);
        void Step()
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            functional.cross_entropy(model.call(x), y).backward();
            opt.step();
        }
        Step();   // creates the gradients
        long before = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(before, DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);

        using var dir = new TestData.TempFolder();
        var path = dir.File("adam.bin");
        opt.save_state_dict(path);
        using var reloaded = optim.Adam(model.parameters(), 0.01);   // TorchSharp's Adam reads our state: same State class
        reloaded.load_state_dict(path);
    }
}
