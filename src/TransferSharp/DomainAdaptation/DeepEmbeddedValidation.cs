using TransferSharp.Evaluation;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// Deep Embedded Validation (DEV; You et al., "Towards Accurate Model Selection in Deep Unsupervised Domain
/// Adaptation", ICML 2019): an estimate of the target risk from labelled held-out source examples, importance-weighted
/// by how target-like their features are, with a control variate that tames the weights' variance. Lower is better.
/// Reads no target label.
/// </summary>
/// <remarks>
/// <para>(1) Density ratios. A domain classifier (logistic regression on the standardised features, <c>(N, F)</c>) is
/// trained to tell n_s source training features from n_t unlabelled target features; on each held-out source example
/// it gives w = p(target | x) / p(source | x) · n_s / n_t, an estimate of p_t(x) / p_s(x).</para>
/// <para>(2) Weighted loss. With ℓ the per-example cross-entropy of the network on the held-out source, L_w = w·ℓ.</para>
/// <para>(3) Control variate. E[w] = 1 when the ratios are right, so
/// risk = mean(L_w) + η·mean(w) − η with η = −Cov(L_w, w) / Var(w) (sample (co)variances, n − 1) has the same
/// expectation and a smaller variance. As the paper's code and pytorch-adapt's <c>DeepEmbeddedValidator</c> (which
/// also adds 1e-6 to Var(w)); unlike them the domain classifier is a logistic regression trained for a fixed
/// <see cref="DomainClassifierSteps"/> full-batch steps from zero weights, not an MLP chosen over nine weight decays:
/// no randomness, so no seed, and the same features always give the same risk.</para>
/// </remarks>
public static class DeepEmbeddedValidation
{
    /// <summary>Full-batch Adam steps of the domain classifier: 200.</summary>
    public const int DomainClassifierSteps = 200;
    /// <summary>Adam's learning rate for the domain classifier: 0.05.</summary>
    public const double DomainClassifierLearningRate = 0.05;
    /// <summary>L2 penalty (½·c·|w|²) on the domain classifier's weights, which keeps the ratios finite when the domains
    /// separate completely: 0.01.</summary>
    public const double DomainClassifierL2 = 0.01;

    /// <summary>
    /// The DEV risk of <paramref name="network"/>, in evaluation mode (its mode is restored): features of
    /// <paramref name="sourceTraining"/> <c>(n_s, ...)</c> and <paramref name="target"/> <c>(n_t, ...)</c> train the
    /// domain classifier; the held-out <paramref name="validationInputs"/> <c>(N, ...)</c> with their
    /// <paramref name="validationLabels"/> <c>(N)</c> give the weighted loss.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 examples in a part, or labels that do not match the inputs.</exception>
    public static double Risk(AdaptationNetwork network, Tensor sourceTraining, Tensor target, Tensor validationInputs, Tensor validationLabels)
    {
        foreach (var (name, t) in new[] { ("source training", sourceTraining), ("target", target), ("source validation", validationInputs) })
            if (t.shape[0] < 2) throw new ArgumentException($"DEV needs at least 2 {name} examples, got {t.shape[0]}");
        if (validationLabels.shape.Length != 1 || validationLabels.shape[0] != validationInputs.shape[0])
            throw new ArgumentException($"DEV: {validationInputs.shape[0]} validation inputs but labels of shape [{string.Join(", ", validationLabels.shape)}]");
        bool training = network.training;
        network.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var fs = FeaturesOf(network, sourceTraining);                                  // (n_s, F)
            var ft = FeaturesOf(network, target);                                          // (n_t, F)
            var fv = FeaturesOf(network, validationInputs);                                // (N, F)
            var losses = functional.cross_entropy(network.Classify(fv), validationLabels, reduction: nn.Reduction.None);   // (N)
            return Risk(fs, ft, fv, losses);
        }
        finally
        {
            network.train(training);
        }
    }

    /// <summary>The DEV risk from features: source training <c>(n_s, F)</c>, target <c>(n_t, F)</c>, held-out source
    /// <c>(N, F)</c>, and the network's per-example loss on the held-out source <c>(N)</c>, ≥ 0.</summary>
    public static double Risk(Tensor sourceFeatures, Tensor targetFeatures, Tensor validationFeatures, Tensor validationLosses)
    {
        using var scope = NewDisposeScope();
        return ControlVariateRisk(DensityRatios(sourceFeatures, targetFeatures, validationFeatures), validationLosses);
    }

    /// <summary>
    /// w = p(target | x) / p(source | x) · n_s / n_t <c>(N)</c>, float64, on <paramref name="validationFeatures"/>
    /// <c>(N, F)</c>, from the logistic-regression domain classifier trained on <paramref name="sourceFeatures"/>
    /// <c>(n_s, F)</c> against <paramref name="targetFeatures"/> <c>(n_t, F)</c>.
    /// </summary>
    public static Tensor DensityRatios(Tensor sourceFeatures, Tensor targetFeatures, Tensor validationFeatures)
    {
        using var scope = NewDisposeScope();
        long ns = sourceFeatures.shape[0], nt = targetFeatures.shape[0];
        var x = cat([sourceFeatures, targetFeatures], 0).to_type(ScalarType.Float64).flatten(1);           // (n_s + n_t, F)
        var y = cat([zeros(ns, dtype: ScalarType.Float64, device: x.device), ones(nt, dtype: ScalarType.Float64, device: x.device)]);        // 1 = target
        var mean = x.mean([0]);
        var std = x.std(0) + 1e-6;                                                                          // (F)
        x = (x - mean) / std;
        long f = x.shape[1];
        var weight = new TorchSharp.Modules.Parameter(zeros(f, dtype: ScalarType.Float64, device: x.device));                 // (F)
        var bias = new TorchSharp.Modules.Parameter(zeros(1, dtype: ScalarType.Float64, device: x.device));
        using var optimizer = optim.Adam([weight, bias], lr: DomainClassifierLearningRate);
        // The loss weights each domain by half, so n_s ≠ n_t does not tilt the fit; the n_s / n_t factor below then
        // corrects the ratios for a balanced prior.
        var sampleWeight = y * (0.5 / nt) + (1 - y) * (0.5 / ns);
        using (enable_grad())
        {
            for (int i = 0; i < DomainClassifierSteps; i++)
            {
                using var stepScope = NewDisposeScope();
                optimizer.zero_grad();
                var logits = x.matmul(weight) + bias;                                                      // (n_s + n_t)
                var loss = (functional.binary_cross_entropy_with_logits(logits, y, reduction: nn.Reduction.None) * sampleWeight).sum()
                    + 0.5 * DomainClassifierL2 * weight.pow(2).sum();
                loss.backward();
                optimizer.step();
            }
        }
        using var noGrad = no_grad();
        var v = (validationFeatures.to_type(ScalarType.Float64).flatten(1) - mean) / std;                  // (N, F)
        // p(target | x) / p(source | x) = exp(logit) under the balanced fit.
        return (v.matmul(weight) + bias).exp().MoveToOuterDisposeScope();
    }

    /// <summary>The control-variate risk mean(w·ℓ) + η·mean(w) − η, η = −Cov(w·ℓ, w) / (Var(w) + 1e-6), of weights
    /// <c>(N)</c> and per-example losses <c>(N)</c>, N ≥ 2.</summary>
    public static double ControlVariateRisk(Tensor weights, Tensor losses)
    {
        using var scope = NewDisposeScope();
        var w = weights.to_type(ScalarType.Float64).flatten();
        var l = losses.to_type(ScalarType.Float64).flatten();
        long n = w.shape[0];
        if (n < 2 || l.shape[0] != n) throw new ArgumentException($"DEV needs as many losses as weights, at least 2; got {n} weights and {l.shape[0]} losses");
        var lw = w * l;
        double meanW = w.mean().item<double>(), meanLw = lw.mean().item<double>();
        double cov = ((lw - meanLw) * (w - meanW)).sum().item<double>() / (n - 1);
        double varW = (w - meanW).pow(2).sum().item<double>() / (n - 1);
        double eta = -cov / (varW + 1e-6);
        return meanLw + eta * meanW - eta;
    }

    private static Tensor FeaturesOf(AdaptationNetwork network, Tensor inputs)
    {
        int batch = Metrics.InferenceBatchSize(inputs.shape[1..]);
        long n = inputs.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batch)
        {
            using var batchScope = NewDisposeScope();
            parts.Add(network.Features(inputs.narrow(0, start, Math.Min(batch, n - start))).MoveToOuterDisposeScope());
        }
        return cat(parts, 0);                                                                               // (n, F)
    }
}
