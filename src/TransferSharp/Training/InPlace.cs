using TorchSharp.Modules;

namespace TransferSharp.Training;

/// <summary>
/// Optimisers whose steps update parameters in place and free every temporary at once; drop-in subclasses of
/// TorchSharp's Adam, AdamW and SGD (same state, same state files). Build them through <see cref="Optimizers.Create"/>.
/// </summary>
internal static class InPlace
{
    /// <summary>
    /// Adam (Kingma &amp; Ba 2015) whose step updates every parameter in place and frees each temporary as soon as it
    /// is used, with the same arithmetic as TorchSharp's <see cref="TorchSharp.Modules.Adam"/> (results equal to float rounding).
    /// </summary>
    /// <remarks>
    /// TorchSharp's own step keeps every temporary of every parameter alive until the end of the step and converts each
    /// double to a native <see cref="Scalar"/> that only the finaliser frees. Under the library's allocator tuning
    /// (<see cref="NativeMemory"/>) those long-lived small blocks fragment the heap between the large activation
    /// buffers, and the resident set grows with the number of steps. Here the scalars are disposed at once and each
    /// parameter's temporaries (the decayed gradient, the denominator) are freed before the next parameter is touched.
    /// State, parameter groups and <c>save_state_dict</c>/<c>load_state_dict</c> are the base class's, and the class
    /// keeps the name <c>Adam</c> (TorchSharp's state files record the optimiser's type name), so optimiser states saved
    /// by either class load into the other. AMSGrad and maximise fall back to the base step.
    /// </remarks>
    public sealed class Adam : TorchSharp.Modules.Adam
    {
        /// <summary>Adam over <paramref name="groups"/>; <paramref name="lr"/> is the default for groups without one.</summary>
        public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3) : base(groups, lr) { }

        /// <inheritdoc/>
        public override Tensor step(Func<Tensor>? closure = null)
        {
            if (_parameter_groups.Any(g => ((Options)g.Options).amsgrad == true || ((Options)g.Options).maximize == true)) return base.step(closure!);
            return _step<ParamGroup>(group =>
            {
                var o = (Options)group.Options;
                var hyper = new AdamHyper(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, Decoupled: false);
                foreach (var p in group.Parameters)
                {
                    var state = (State)_state[p.Handle];
                    AdamUpdate.Apply(p, state.exp_avg, state.exp_avg_sq, ref state.step, hyper);
                }
            }, closure!);
        }
    }

    /// <summary>
    /// AdamW (Loshchilov &amp; Hutter 2019, decoupled weight decay) with the in-place step of <see cref="Adam"/>;
    /// the same arithmetic as TorchSharp's <see cref="TorchSharp.Modules.AdamW"/>.
    /// </summary>
    public sealed class AdamW : TorchSharp.Modules.AdamW
    {
        /// <summary>AdamW over <paramref name="groups"/>; <paramref name="lr"/> is the default for groups without one.</summary>
        public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3) : base(groups, lr) { }

        /// <inheritdoc/>
        public override Tensor step(Func<Tensor>? closure = null)
        {
            if (_parameter_groups.Any(g => ((Options)g.Options).amsgrad == true || ((Options)g.Options).maximize == true)) return base.step(closure!);
            return _step<ParamGroup>(group =>
            {
                var o = (Options)group.Options;
                var hyper = new AdamHyper(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, Decoupled: true);
                foreach (var p in group.Parameters)
                {
                    var state = (State)_state[p.Handle];
                    AdamUpdate.Apply(p, state.exp_avg, state.exp_avg_sq, ref state.step, hyper);
                }
            }, closure!);
        }
    }

    /// <summary>
    /// SGD with momentum (and optional Nesterov, L2 decay) with the in-place step of <see cref="Adam"/>: the same
    /// arithmetic as TorchSharp's <see cref="TorchSharp.Modules.SGD"/> (the first step copies the gradient into the
    /// momentum buffer), every temporary and scalar freed at once; keeps the name <c>SGD</c> for state files.
    /// </summary>
    public sealed class SGD : TorchSharp.Modules.SGD
    {
        /// <summary>SGD over <paramref name="groups"/>; <paramref name="lr"/> is the default for groups without one.</summary>
        public SGD(IEnumerable<ParamGroup> groups, double lr) : base(groups, lr) { }

        /// <inheritdoc/>
        public override Tensor step(Func<Tensor>? closure = null)
        {
            if (_parameter_groups.Any(g => ((Options)g.Options).maximize == true)) return base.step(closure!);
            return _step<ParamGroup>(group =>
            {
                var o = (Options)group.Options;
                double momentum = o.momentum!.Value, dampening = o.dampening!.Value, decay = o.weight_decay!.Value;
                bool nesterov = o.nesterov!.Value;
                foreach (var p in group.Parameters)
                {
                    using var grad = p.grad;
                    if (grad is null) continue;
                    var state = (State)_state[p.Handle];
                    Tensor? decayed = null, lookahead = null;
                    if (decay != 0)
                    {
                        using var wd = decay.ToScalar();
                        decayed = grad.add(p, alpha: wd);
                    }
                    var g = decayed ?? grad;
                    if (momentum != 0)
                    {
                        if (state.momentum_buffer is null) state.momentum_buffer = g.clone().detach().DetachFromDisposeScope();
                        else
                        {
                            using var mu = momentum.ToScalar();
                            using var keep = (1 - dampening).ToScalar();
                            state.momentum_buffer.mul_(mu).add_(g, alpha: keep);
                        }
                        if (nesterov)
                        {
                            using var mu = momentum.ToScalar();
                            lookahead = g.add(state.momentum_buffer, alpha: mu);
                            g = lookahead;
                        }
                        else g = state.momentum_buffer;
                    }
                    using (var step = (-o.LearningRate!.Value).ToScalar())
                        p.add_(g, alpha: step);
                    decayed?.Dispose();
                    lookahead?.Dispose();
                }
            }, closure!);
        }
    }
}

/// <summary>One group's hyper-parameters; <c>Decoupled</c> = AdamW's weight decay, else L2 added to the gradient.</summary>
internal readonly record struct AdamHyper(double LearningRate, double Beta1, double Beta2, double Eps, double WeightDecay, bool Decoupled);

/// <summary>The per-parameter Adam update, in place, every temporary and scalar freed at once.</summary>
internal static class AdamUpdate
{
    /// <summary>
    /// m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε),
    /// with g = ∇p + λp (Adam) or p ← p(1 − lr·λ) first (AdamW). Runs under the caller's no_grad.
    /// </summary>
    public static void Apply(Parameter p, Tensor expAvg, Tensor expAvgSq, ref long step, AdamHyper h)
    {
        using var grad = p.grad;
        if (grad is null) return;
        step++;
        double biasCorrection1 = 1 - Math.Pow(h.Beta1, step), biasCorrection2 = 1 - Math.Pow(h.Beta2, step);

        if (h.Decoupled && h.WeightDecay != 0)
        {
            using var shrink = (1 - h.LearningRate * h.WeightDecay).ToScalar();
            p.mul_(shrink);
        }
        Tensor? decayed = null;
        if (!h.Decoupled && h.WeightDecay != 0)
        {
            using var wd = h.WeightDecay.ToScalar();
            decayed = grad.add(p, alpha: wd);
        }
        var g = decayed ?? grad;
        using (var beta1 = h.Beta1.ToScalar())
        using (var oneMinusBeta1 = (1 - h.Beta1).ToScalar())
            expAvg.mul_(beta1).add_(g, alpha: oneMinusBeta1);
        using (var beta2 = h.Beta2.ToScalar())
        using (var oneMinusBeta2 = (1 - h.Beta2).ToScalar())
            expAvgSq.mul_(beta2).addcmul_(g, g, value: oneMinusBeta2);
        decayed?.Dispose();

        using var denom = expAvgSq.sqrt();                      // the one full-size temporary, freed below
        using (var root = Math.Sqrt(biasCorrection2).ToScalar())
        using (var eps = h.Eps.ToScalar())
            denom.div_(root).add_(eps);
        using var stepSize = (-h.LearningRate / biasCorrection1).ToScalar();
        p.addcdiv_(expAvg, denom, value: stepSize);
    }
}
