using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.SelfTaught;

/// <summary>How a classifier on one kind of features did.</summary>
/// <param name="Features">The feature map's name.</param>
/// <param name="FeatureDimension">Length of a feature vector.</param>
/// <param name="TrainCount">Labelled training examples.</param>
/// <param name="TrainAccuracy">Accuracy on the training examples.</param>
/// <param name="TestAccuracy">Accuracy on the test examples.</param>
/// <param name="TestLoss">Mean cross-entropy on the test examples.</param>
public sealed record FeatureClassifierScore(string Features, int FeatureDimension, int TrainCount, double TrainAccuracy, double TestAccuracy, double TestLoss);

/// <summary>
/// Self-taught learning (Raina, Battle, Lee, Packer and Ng, ICML 2007): features learnt without labels on source
/// data — possibly of other classes or another domain — feed a simple classifier trained on the few labelled target
/// examples.
/// </summary>
/// <remarks>
/// For a feature map φ (an autoencoder's encoder, or raw pixels and PCA as baselines), trains
/// softmax regression (or a small MLP) p(y | x) = softmax(W φ̃(x) + b) on the labelled target examples, where
/// φ̃ = (φ − m) / s is φ standardised with the training mean m and one global standard deviation s, and reports test
/// accuracy. Uses the library's <see cref="SupervisedTrainer"/> on an <c>(N, F)</c> features dataset.
/// </remarks>
public sealed class SelfTaughtLearner
{
    private readonly FeatureClassifierOptions options;

    /// <summary>Creates the learner; the options are validated here.</summary>
    public SelfTaughtLearner(FeatureClassifierOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Trains the classifier on <paramref name="features"/> of <paramref name="train"/> and scores it on <paramref name="test"/>.</summary>
    /// <exception cref="ArgumentException">Unlabelled sets, or sets whose classes or shapes differ.</exception>
    public FeatureClassifierScore Fit(FeatureMap features, Dataset train, Dataset test, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (!train.HasLabels) throw new ArgumentException($"training set '{train.Name}' has no labels");
        if (!test.HasLabels) throw new ArgumentException($"test set '{test.Name}' has no labels");
        if (train.Count == 0) throw new ArgumentException($"training set '{train.Name}' is empty");
        if (!train.ClassNames.SequenceEqual(test.ClassNames))
            throw new ArgumentException($"training set '{train.Name}' and test set '{test.Name}' have different classes");
        if (!train.ExampleShape.SequenceEqual(test.ExampleShape))
            throw new ArgumentException($"training set '{train.Name}' and test set '{test.Name}' have different example shapes");

        using var rawTrain = features.Apply(train);
        using var rawTest = features.Apply(test);
        var (trainF, testF) = options.Standardize ? Standardize(rawTrain, rawTest) : (rawTrain, rawTest);
        try
        {
            int dim = (int)trainF.ExampleShape[0];
            Seeding.SeedEverything(options.Seed);
            using var classifier = CreateClassifier(dim, train.ClassCount);
            var trainer = new SupervisedTrainer(options.ToTrainingOptions(train.Count));
            trainer.Fit(classifier, trainF, validation: null, cancellation: cancellation);
            var trainScore = Metrics.Evaluate(classifier, trainF);
            var testScore = Metrics.Evaluate(classifier, testF);
            return new FeatureClassifierScore(features.Name, dim, train.Count, trainScore.Accuracy, testScore.Accuracy, testScore.Loss);
        }
        finally
        {
            if (options.Standardize)
            {
                trainF.Dispose();
                testF.Dispose();
            }
        }
    }

    private Module<Tensor, Tensor> CreateClassifier(int inputs, int classes) => options.Kind switch
    {
        FeatureClassifierKind.Softmax => Linear(inputs, classes),
        FeatureClassifierKind.Mlp => Sequential(Linear(inputs, 128), ReLU(), Linear(128, classes)),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "unknown classifier"),
    };

    // (x − mean_train) / std_global, the statistics from the training features only.
    private static (Dataset Train, Dataset Test) Standardize(Dataset train, Dataset test)
    {
        using var scope = NewDisposeScope();
        var mean = train.Inputs.mean([0], keepdim: true);                        // (1, F)
        var centred = train.Inputs - mean;
        var std = centred.square().mean().sqrt().clamp_min(1e-8);                // scalar
        return (new Dataset(train.Name, centred / std, train.Labels!.clone(), train.ClassNames, train.Provenance),
                new Dataset(test.Name, (test.Inputs - mean) / std, test.Labels!.clone(), test.ClassNames, test.Provenance));
    }
}
