using TorchSharp.Modules;
using TransferSharp.Models;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// A classifier split the way domain adaptation needs it: <c>features</c> (every stage of a <see cref="StagedModel"/>
/// but its head), an optional <c>bottleneck</c> (Linear + BatchNorm1d + ReLU), and <c>head</c>.
/// </summary>
/// <remarks>
/// The modules are the backbone's own, so training this network trains the backbone; without a bottleneck the
/// backbone's head is used and the trained <see cref="StagedModel"/> is a complete classifier on its own. With a
/// bottleneck a new head of the bottleneck's width replaces it (the backbone's head is left untouched).
/// </remarks>
public sealed class AdaptationNetwork : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Module<Tensor, Tensor> bottleneck;
    private readonly Module<Tensor, Tensor> head;

    /// <summary>Wraps <paramref name="backbone"/>, adding a bottleneck of <paramref name="bottleneckWidth"/> units when positive.</summary>
    public AdaptationNetwork(StagedModel backbone, int bottleneckWidth) : base(nameof(AdaptationNetwork))
    {
        Backbone = backbone;
        var children = backbone.named_children().ToDictionary(c => c.name, c => (Module<Tensor, Tensor>)c.module);
        var headNames = backbone.ModulesOf(backbone.StageNames[^1]);
        var featureNames = backbone.StageNames.Take(backbone.StageNames.Count - 1).SelectMany(backbone.ModulesOf).ToArray();
        features = nn.Sequential(featureNames.Select(n => (n, children[n])).ToArray());
        long width = FeatureWidth(backbone);
        if (bottleneckWidth > 0)
        {
            bottleneck = nn.Sequential(("fc", nn.Linear(width, bottleneckWidth)), ("bn", nn.BatchNorm1d(bottleneckWidth)), ("relu", nn.ReLU()));
            head = nn.Linear(bottleneckWidth, backbone.Spec.ClassCount);
            FeatureCount = bottleneckWidth;
        }
        else
        {
            bottleneck = nn.Identity();
            head = nn.Sequential(headNames.Select(n => (n, children[n])).ToArray());
            FeatureCount = width;
        }
        ClassCount = backbone.Spec.ClassCount;
        RegisterComponents();
    }

    /// <summary>The wrapped model.</summary>
    public StagedModel Backbone { get; }
    /// <summary>Width F of <see cref="Features"/>' output.</summary>
    public long FeatureCount { get; }
    /// <summary>Number of classes K.</summary>
    public int ClassCount { get; }
    /// <summary>True when the backbone alone is the trained classifier (no bottleneck).</summary>
    public bool BackboneIsClassifier => bottleneck is Identity;

    /// <summary>
    /// What to save: without a bottleneck the backbone, a complete <see cref="StagedModel"/> that
    /// <see cref="Training.Checkpoint.Load"/> rebuilds; with one, this network (keys <c>features.*</c>,
    /// <c>bottleneck.*</c>, <c>head.*</c>).
    /// </summary>
    public Module<Tensor, Tensor> CheckpointModule => BackboneIsClassifier ? Backbone : this;

    /// <summary>Logits <c>(N, K)</c>.</summary>
    public override Tensor forward(Tensor input) => head.call(Features(input));

    /// <summary>The features the domains are aligned on: <c>(N, F)</c>, after the bottleneck when there is one.</summary>
    public Tensor Features(Tensor input) => bottleneck.call(features.call(input));

    /// <summary>Logits <c>(N, K)</c> from features <c>(N, F)</c>.</summary>
    public Tensor Classify(Tensor features) => head.call(features);

    /// <summary>Features <c>(N, F)</c> of <paramref name="inputs"/> in evaluation mode, as a managed array (for t-SNE).</summary>
    public float[,] ExtractFeatures(Tensor inputs, int batchSize = 512)
    {
        bool training = this.training;
        eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            long n = inputs.shape[0];
            var parts = new List<Tensor>();
            for (long start = 0; start < n; start += batchSize)
                parts.Add(Features(inputs.narrow(0, start, Math.Min(batchSize, n - start))));
            var all = cat(parts, 0).contiguous();                                          // (N, F)
            var flat = all.data<float>().ToArray();
            var result = new float[n, all.shape[1]];
            Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
            return result;
        }
        finally
        {
            if (training) train();
        }
    }

    private static long FeatureWidth(StagedModel backbone)
    {
        bool training = backbone.training;
        backbone.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return backbone.Features(zeros([1, .. backbone.Spec.InputShape])).shape[1];
        }
        finally
        {
            if (training) backbone.train();
        }
    }
}
