using TorchSharp.Modules;
using TransferSharp.Models;
using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// A classifier split the way domain adaptation needs it: <c>features</c> (every stage of a <see cref="StagedModel"/>
/// but its head), an optional <c>bottleneck</c> (Linear + BatchNorm1d + ReLU), and <c>head</c>.
/// </summary>
/// <remarks>
/// The modules are the backbone's own, so training this network trains the backbone; without a bottleneck the
/// backbone's head is used and the trained backbone is the whole classifier. With a bottleneck a new head of the
/// bottleneck's width replaces it (the backbone's head is left untouched), and the classifier is the backbone's
/// features plus <see cref="BottleneckStage"/>'s stage and head. Either way <see cref="Classifier"/> is a
/// <see cref="StagedModel"/> that <see cref="Training.Checkpoint.Load(string)"/> rebuilds (given
/// <see cref="Training.CheckpointInfo.Bottleneck"/> = <see cref="BottleneckWidth"/>).
/// </remarks>
public sealed class AdaptationNetwork : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Module<Tensor, Tensor> bottleneck;
    private readonly Module<Tensor, Tensor> head;

    /// <summary>Wraps <paramref name="backbone"/>, adding a bottleneck of <paramref name="bottleneckWidth"/> units when positive.</summary>
    public AdaptationNetwork(StagedModel backbone, int bottleneckWidth) : base(nameof(AdaptationNetwork))
    {
        StagedModel classifier;
        var children = backbone.named_children().ToDictionary(c => c.name, c => (Module<Tensor, Tensor>)c.module);
        var featureNames = backbone.StageNames.Take(backbone.StageNames.Count - 1).SelectMany(backbone.ModulesOf).ToArray();
        features = nn.Sequential(featureNames.Select(n => (n, children[n])).ToArray());
        if (bottleneckWidth > 0)
        {
            // The classifier shares the backbone's feature modules and owns the new bottleneck and head.
            classifier = BottleneckStage.Attach(backbone, bottleneckWidth);
            var own = classifier.named_children().ToDictionary(c => c.name, c => (Module<Tensor, Tensor>)c.module);
            bottleneck = own[BottleneckStage.Name];
            head = own[classifier.ModulesOf(classifier.StageNames[^1]).Single()];
            FeatureCount = bottleneckWidth;
        }
        else
        {
            classifier = backbone;
            bottleneck = nn.Identity();
            var headNames = backbone.ModulesOf(backbone.StageNames[^1]);
            head = nn.Sequential(headNames.Select(n => (n, children[n])).ToArray());
            FeatureCount = BottleneckStage.FeatureWidth(backbone);
        }
        ClassCount = backbone.Spec.ClassCount;
        RegisterComponents();
        // Set after registration: RegisterComponents would register the properties' backing fields as submodules,
        // which would add the backbone's unused head to this network's parameters.
        Backbone = backbone;
        Classifier = classifier;
    }

    /// <summary>The wrapped model.</summary>
    public StagedModel Backbone { get; }
    /// <summary>Width F of <see cref="Features"/>' output.</summary>
    public long FeatureCount { get; }
    /// <summary>Number of classes K.</summary>
    public int ClassCount { get; }
    /// <summary>True when the backbone alone is the trained classifier (no bottleneck).</summary>
    public bool BackboneIsClassifier => bottleneck is Identity;
    /// <summary>Units of the bottleneck; 0 when there is none.</summary>
    public int BottleneckWidth => BackboneIsClassifier ? 0 : (int)FeatureCount;

    /// <summary>
    /// The trained classifier as a <see cref="StagedModel"/> sharing this network's modules: the backbone without a
    /// bottleneck, otherwise the backbone's features, the bottleneck stage and the new head. This is what to save.
    /// </summary>
    public StagedModel Classifier { get; }

    /// <summary>Logits <c>(N, K)</c>.</summary>
    public override Tensor forward(Tensor input) => head.call(Features(input));

    /// <summary>The features the domains are aligned on: <c>(N, F)</c>, after the bottleneck when there is one.</summary>
    public Tensor Features(Tensor input) => bottleneck.call(features.call(input));

    /// <summary>Logits <c>(N, K)</c> from features <c>(N, F)</c>.</summary>
    public Tensor Classify(Tensor features) => head.call(features);

    /// <summary>Features <c>(N, F)</c> of <paramref name="inputs"/> in evaluation mode, as a managed array (for t-SNE);
    /// <paramref name="batchSize"/> 0 = <see cref="Metrics.InferenceBatchSize"/>.</summary>
    public float[,] ExtractFeatures(Tensor inputs, int batchSize = 0)
    {
        if (batchSize <= 0) batchSize = Metrics.InferenceBatchSize(inputs.shape[1..]);
        bool training = this.training;
        eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            long n = inputs.shape[0];
            var device = Devices.Of(this);
            var parts = new List<Tensor>();
            for (long start = 0; start < n; start += batchSize)
            {
                using var batchScope = NewDisposeScope();   // the batch's activations go before the next batch
                var x = inputs.narrow(0, start, Math.Min(batchSize, n - start)).On(device);
                parts.Add(Features(x).On(CPU).MoveToOuterDisposeScope());   // read on the CPU
            }
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
}
