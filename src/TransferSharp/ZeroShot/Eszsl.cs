using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>
/// ESZSL, embarrassingly simple zero-shot learning (Romera-Paredes and Torr 2015): a bilinear compatibility
/// f(x)ᵀ V s(y) between image features and class descriptions, with V in closed form.
/// </summary>
/// <remarks>
/// The image features f(x) are the penultimate layer of a seen-class classifier (trained with cross-entropy, as for
/// ConSE). With features X <c>(m, d)</c> of the m training images, targets Y <c>(m, z)</c> (+1 for the own class, −1
/// otherwise) and descriptions S <c>(z, a)</c> of the z seen classes, the paper's regularised least squares has the
/// solution V = (XᵀX + γI)⁻¹ Xᵀ Y S (SᵀS + λI)⁻¹, <c>(d, a)</c> (its eq. 5 with the paper's X, S transposed).
/// γ and λ are picked from {0.01, 0.1, 1, 10, 100} by zero-shot accuracy on a third of the seen classes held out from
/// the closed form (not from the feature network, which saw them); unseen classes are never looked at.
/// </remarks>
public sealed class EszslTrainer
{
    /// <summary>ESZSL in <see cref="ZeroShotMethods.All"/>: any descriptions.</summary>
    public static IZeroShotMethod Method { get; } = new ZeroShotMethodInfo("eszsl", [], "ESZSL",
        "embarrassingly simple zero-shot learning (Romera-Paredes and Torr 2015): classifier features, a closed-form bilinear map to the descriptions",
        ZeroShotMethod.Eszsl, _ => { }, (o, d, s, p, c) => new EszslTrainer(o).Fit(d, s, p, c));

    /// <summary>The regularisation grid searched for γ and λ.</summary>
    public static IReadOnlyList<double> Grid { get; } = [0.01, 0.1, 1, 10, 100];

    private readonly ZeroShotOptions options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    public EszslTrainer(ZeroShotOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Trains the feature network on <paramref name="seenTrain"/>, then solves for V; row k of <paramref name="seen"/> describes class k.</summary>
    public EszslModel Fit(Dataset seenTrain, ClassDescriptions seen, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var (network, history) = ConSETrainer.TrainClassifier(options, seenTrain, seen, progress, cancellation);
        try
        {
            return Solve(network, history, seenTrain, seen, options.Seed);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>V for a trained feature <paramref name="network"/>, on its device, with γ and λ chosen on held-out seen classes.</summary>
    internal static EszslModel Solve(StagedModel network, IReadOnlyList<EpochMetrics> history, Dataset seenTrain, ClassDescriptions seen, int seed)
    {
        using var scope = NewDisposeScope();
        var features = Features(network, seenTrain);                                             // (m, d) float64
        var labels = tensor(seenTrain.LabelArray(), device: features.device);                    // (m)
        var descriptions = seen.ToTensor(features.device).to_type(ScalarType.Float64);           // (z, a)
        var (gamma, lambda) = ChooseRegularisation(features, labels, descriptions, seed);
        var v = ClosedForm(features, Targets(labels, seen.Count), descriptions, gamma, lambda);
        return new EszslModel(network, history, v.to_type(ScalarType.Float32).DetachFromDisposeScope(), gamma, lambda);
    }

    /// <summary>
    /// V = (XᵀX + γI)⁻¹ Xᵀ Y S (SᵀS + λI)⁻¹ for features <c>(m, d)</c>, targets <c>(m, z)</c> and descriptions
    /// <c>(z, a)</c>: <c>(d, a)</c>. Solved, not inverted; computed in the inputs' precision.
    /// </summary>
    public static Tensor ClosedForm(Tensor features, Tensor targets, Tensor descriptions, double gamma, double lambda)
    {
        using var scope = NewDisposeScope();
        long d = features.shape[1], a = descriptions.shape[1];
        var left = features.t().matmul(features) + gamma * eye(d, dtype: features.dtype, device: features.device);               // (d, d)
        var middle = features.t().matmul(targets).matmul(descriptions);                                  // (d, a)
        var right = descriptions.t().matmul(descriptions) + lambda * eye(a, dtype: features.dtype, device: features.device);      // (a, a), symmetric
        // A (right)⁻¹ = ((right)⁻¹ Aᵀ)ᵀ because right is symmetric.
        var v = linalg.solve(right, linalg.solve(left, middle).t()).t();                                  // (d, a)
        return v.MoveToOuterDisposeScope();
    }

    /// <summary>Y: +1 at each example's class, −1 elsewhere, <c>(m, z)</c> float64.</summary>
    internal static Tensor Targets(Tensor labels, int classes) =>
        functional.one_hot(labels, classes).to_type(ScalarType.Float64) * 2 - 1;

    /// <summary>The penultimate features of every example of <paramref name="data"/>, <c>(m, d)</c> float64, on the network's device.</summary>
    internal static Tensor Features(StagedModel network, Dataset data)
    {
        network.eval();
        using var noGrad = no_grad();
        var device = Devices.Of(network);
        var parts = new List<Tensor>();
        foreach (var batch in Batches.Of(data, 256))
            parts.Add(network.Features(batch.Inputs.On(device)).flatten(1).to_type(ScalarType.Float64));
        return cat(parts, 0);
    }

    /// <summary>γ and λ with the best zero-shot accuracy on held-out seen classes (the first grid pair when fewer than three classes).</summary>
    private static (double Gamma, double Lambda) ChooseRegularisation(Tensor features, Tensor labels, Tensor descriptions, int seed)
    {
        int z = (int)descriptions.shape[0];
        if (z < 3) return (1, 1);
        var order = Enumerable.Range(0, z).ToArray();
        new Random(seed + 2).Shuffle(order);
        int held = Math.Max(1, z / 3);
        var valClasses = order[..held].Order().ToArray();
        var fitClasses = order[held..].Order().ToArray();
        using var scope = NewDisposeScope();
        var label = labels.ToArrayOnCpu<long>();
        var device = features.device;
        long[] Rows(int[] classes) => Enumerable.Range(0, label.Length).Where(i => classes.Contains((int)label[i])).Select(i => (long)i).ToArray();
        var fitRows = tensor(Rows(fitClasses), device: device);
        var valRows = Rows(valClasses);
        // Fit classes relabelled 0..|fit|−1; validation classes scored among themselves.
        var remap = new long[z];
        for (int i = 0; i < fitClasses.Length; i++) remap[fitClasses[i]] = i;
        var fitLabels = tensor(label.Where((_, i) => fitClasses.Contains((int)label[i])).Select(c => remap[c]).ToArray(), device: device);
        var fitTargets = Targets(fitLabels, fitClasses.Length);
        var fitFeatures = features.index_select(0, fitRows);
        var fitDescriptions = descriptions.index_select(0, tensor(fitClasses.Select(c => (long)c).ToArray(), device: device));
        var valFeatures = features.index_select(0, tensor(valRows, device: device));
        var valDescriptions = descriptions.index_select(0, tensor(valClasses.Select(c => (long)c).ToArray(), device: device));
        var valTruth = valRows.Select(r => Array.IndexOf(valClasses, (int)label[r])).ToArray();
        (double, double) best = (1, 1);
        double bestAccuracy = -1;
        foreach (var g in Grid)
            foreach (var l in Grid)
            {
                using var inner = NewDisposeScope();
                var v = ClosedForm(fitFeatures, fitTargets, fitDescriptions, g, l);
                var predicted = valFeatures.matmul(v).matmul(valDescriptions.t()).argmax(1).ToArrayOnCpu<long>();
                double accuracy = PerClassMean(valTruth, predicted, held);
                if (accuracy > bestAccuracy) (bestAccuracy, best) = (accuracy, (g, l));
            }
        return best;
    }

    private static double PerClassMean(int[] truth, long[] predicted, int classes) =>
        Enumerable.Range(0, classes).Average(c =>
        {
            var rows = Enumerable.Range(0, truth.Length).Where(i => truth[i] == c).ToArray();
            return rows.Length == 0 ? 0 : rows.Count(i => predicted[i] == c) / (double)rows.Length;
        });
}

/// <summary>A trained ESZSL model: score(x, y) = f(x)ᵀ V s(y).</summary>
public sealed class EszslModel : ZeroShotModel
{
    private readonly StagedModel network;
    private readonly Tensor v;

    internal EszslModel(StagedModel network, IReadOnlyList<EpochMetrics> history, Tensor v, double gamma, double lambda)
        : base(ZeroShotMethod.Eszsl, network, history)
    {
        this.network = network;
        this.v = v;
        Gamma = gamma;
        Lambda = lambda;
    }

    /// <summary>The chosen regularisation of the image side.</summary>
    public double Gamma { get; }
    /// <summary>The chosen regularisation of the description side.</summary>
    public double Lambda { get; }

    /// <inheritdoc />
    public override Tensor Scores(Tensor images, Tensor descriptions) =>
        network.Features(images).flatten(1).matmul(v).matmul(descriptions.t());                           // (N, K)

    /// <inheritdoc />
    public override void Dispose()
    {
        v.Dispose();
        base.Dispose();
    }
}
