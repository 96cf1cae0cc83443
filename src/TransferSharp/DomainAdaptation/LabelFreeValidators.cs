using TransferSharp.Evaluation;

namespace TransferSharp.DomainAdaptation;

/// <summary>Which epoch's weights <see cref="DomainAdaptationTrainer"/> keeps. No choice reads a target label.</summary>
public enum ModelSelection
{
    /// <summary>The last epoch's (the default).</summary>
    Last,
    /// <summary>The highest accuracy on the held-out source (needs a source validation set).</summary>
    SourceAccuracy,
    /// <summary>The lowest mean prediction entropy on the unlabelled target (<see cref="TargetScores.Entropy"/>).</summary>
    Entropy,
    /// <summary>The highest soft neighbourhood density on the unlabelled target (<see cref="TargetScores.Snd"/>).</summary>
    Snd,
    /// <summary>The highest information maximisation score on the unlabelled target (<see cref="TargetScores.InformationMaximisation"/>).</summary>
    Im,
    /// <summary>The lowest Deep Embedded Validation risk (<see cref="DeepEmbeddedValidation"/>: the held-out source loss
    /// weighted by target/source density ratios; needs a source validation set).</summary>
    Dev,
}

/// <summary>What the label-free validators say about a network on unlabelled target examples.</summary>
/// <param name="Entropy">Mean prediction entropy (nats); lower = more confident.</param>
/// <param name="InformationMaximisation">H(mean prediction) − mean entropy (nats), SHOT's objective with its sign
/// flipped; higher = confident and spread over the classes.</param>
/// <param name="Snd">Soft neighbourhood density; higher = target predictions form denser clusters.</param>
public readonly record struct TargetScores(double Entropy, double InformationMaximisation, double Snd);

/// <summary>
/// Label-free validators for domain adaptation, as surveyed by Musgrave et al. ("Benchmarking Validation Methods for
/// Unsupervised Domain Adaptation", 2022): scores computed on unlabelled target examples, so an epoch (or a method's
/// setting) can be chosen without target labels. Each is a proxy, not the accuracy: Musgrave et al. find every
/// validator sometimes ranks runs wrongly.
/// </summary>
/// <remarks>
/// SND (Saito et al., "Tune it the Right Way", ICCV 2021), as pytorch-adapt's <c>SNDValidator</c> at its defaults: the
/// softmax predictions <c>(N, K)</c> are L2-normalised, their cosine similarities <c>(N, N)</c> without the diagonal are
/// divided by T = 0.05 and softmax-normalised per row, and SND is the mean entropy of those rows.
/// </remarks>
public static class LabelFreeValidators
{
    /// <summary>SND's temperature: 0.05.</summary>
    public const double SndTemperature = 0.05;

    /// <summary>The scores of <paramref name="network"/> on target inputs <c>(N, ...)</c>, N ≥ 2, in evaluation mode (the
    /// network's mode is restored).</summary>
    public static TargetScores Score(Module<Tensor, Tensor> network, Tensor targetInputs)
    {
        long n = targetInputs.shape[0];
        if (n < 2) throw new ArgumentException($"the validators need at least 2 target examples, got {n}");
        bool training = network.training;
        network.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            int batch = Metrics.InferenceBatchSize(targetInputs.shape[1..]);
            var device = Training.Devices.Of(network);
            var parts = new List<Tensor>();
            for (long start = 0; start < n; start += batch)
            {
                using var batchScope = NewDisposeScope();
                parts.Add(network.call(Training.Devices.On(targetInputs.narrow(0, start, Math.Min(batch, n - start)), device)).MoveToOuterDisposeScope());
            }
            return Score(cat(parts, 0));
        }
        finally
        {
            network.train(training);
        }
    }

    /// <summary>The scores of target logits <c>(N, K)</c>.</summary>
    public static TargetScores Score(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var logp = functional.log_softmax(logits.to_type(ScalarType.Float64), 1);         // (N, K)
        var p = logp.exp();
        double entropy = (-(p * logp).sum(1).mean()).item<double>();
        var mean = p.mean([0]);                                                           // (K)
        double diversity = (-(mean * (mean + 1e-12).log()).sum()).item<double>();
        long n = p.shape[0];
        var x = functional.normalize(p, p: 2, dim: 1);                                    // (N, K)
        var sim = x.matmul(x.t()) / SndTemperature;                                       // (N, N)
        sim = sim.masked_fill(eye(n, dtype: ScalarType.Bool, device: sim.device), double.NegativeInfinity);   // no example is its own neighbour
        var q = functional.softmax(sim, 1);
        double snd = (-(q * (q + 1e-12).log()).sum(1).mean()).item<double>();
        return new TargetScores(entropy, diversity - entropy, snd);
    }

    /// <summary>The score <paramref name="selection"/> maximises for <paramref name="epoch"/>; null for
    /// <see cref="ModelSelection.Last"/> or when the score was not measured.</summary>
    public static double? SelectionScore(ModelSelection selection, AdaptationEpoch epoch) => selection switch
    {
        ModelSelection.SourceAccuracy => epoch.SourceAccuracy,
        ModelSelection.Entropy => double.IsNaN(epoch.TargetEntropy) ? null : -epoch.TargetEntropy,
        ModelSelection.Snd => double.IsNaN(epoch.Snd) ? null : epoch.Snd,
        ModelSelection.Im => double.IsNaN(epoch.InformationMaximisation) ? null : epoch.InformationMaximisation,
        ModelSelection.Dev => double.IsNaN(epoch.DevRisk) ? null : -epoch.DevRisk,
        _ => null,
    };
}
