using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.SelfTaught;

/// <summary>
/// An autoencoder x → h = f(x) → x̂ = g(h) whose encoder f becomes a feature extractor (Raina et al. 2007,
/// "Self-taught learning"). Dense: h = σ(W₁x + b₁), x̂ = σ(W₂h + b₂), optionally with ReLU layers in between
/// (<see cref="AutoencoderOptions.DenseLayers"/>). Convolutional: stride-2 3x3 convolutions
/// (ReLU, the last one sigmoid) down to the code, transposed convolutions back up.
/// </summary>
/// <remarks>
/// The code units are sigmoids so that the KL sparsity penalty applies to them. The output is a sigmoid for images
/// (values in [0, 1]) and linear for feature vectors. Build it with <see cref="Create"/>; train it with
/// <see cref="AutoencoderTrainer"/>.
/// </remarks>
public sealed class Autoencoder : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> encoder;
    private readonly Module<Tensor, Tensor> decoder;

    private Autoencoder(AutoencoderKind kind, long[] inputShape, Module<Tensor, Tensor> encoder, Module<Tensor, Tensor> decoder)
        : base("Autoencoder")
    {
        Kind = kind;
        InputShape = inputShape;
        this.encoder = encoder;
        this.decoder = decoder;
        RegisterComponents();
    }

    /// <summary>Dense or convolutional.</summary>
    public AutoencoderKind Kind { get; }
    /// <summary>Shape of one input: <c>[C, H, W]</c> or <c>[D]</c>.</summary>
    public long[] InputShape { get; }
    /// <summary>Length of the flattened code, the feature dimension.</summary>
    public long CodeSize { get; private set; }

    /// <summary>A freshly initialised autoencoder for inputs of <paramref name="inputShape"/>. Seed TorchSharp first.</summary>
    /// <exception cref="ArgumentException">Bad options, or a shape the convolutional autoencoder cannot take.</exception>
    public static Autoencoder Create(long[] inputShape, AutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        options.ThrowIfInvalid();
        Training.NativeLibraryCheck.EnsureLoaded();
        if (inputShape.Length is not (1 or 3) || inputShape.Any(d => d < 1))
            throw new ArgumentException($"autoencoder input shape [{string.Join(", ", inputShape)}] must be [C, H, W] or [D] with positive sizes");
        bool image = inputShape.Length == 3;
        Autoencoder model;
        if (options.Kind == AutoencoderKind.Dense)
        {
            long d = inputShape.Aggregate(1L, (a, b) => a * b);
            long h = options.HiddenUnits;
            // d -> layers (ReLU) -> h (sigmoid code) -> layers reversed (ReLU) -> d; with no layers, the UFLDL net.
            long[] widths = [d, .. options.DenseLayers.Select(w => (long)w), h];
            var down = new List<Module<Tensor, Tensor>> { Flatten() };
            var up = new List<Module<Tensor, Tensor>>();
            for (int i = 0; i + 1 < widths.Length; i++)
            {
                down.Add(Linear(widths[i], widths[i + 1]));
                down.Add(i + 2 == widths.Length ? Sigmoid() : ReLU());
            }
            for (int i = widths.Length - 1; i > 0; i--)
            {
                up.Add(Linear(widths[i], widths[i - 1]));
                if (i > 1) up.Add(ReLU());
            }
            if (image) up.AddRange([Sigmoid(), Unflatten(1, inputShape)]);
            var enc = Sequential(down);
            Module<Tensor, Tensor> dec = Sequential(up);
            model = new Autoencoder(options.Kind, inputShape, enc, dec) { CodeSize = h };
        }
        else
        {
            if (!image) throw new ArgumentException($"the convolutional autoencoder needs images (C, H, W), got features [{inputShape[0]}]; use the dense one");
            var (c, height, width) = (inputShape[0], inputShape[1], inputShape[2]);
            int layers = options.ConvChannels.Count, factor = 1 << layers;
            if (height % factor != 0 || width % factor != 0)
                throw new ArgumentException($"the convolutional autoencoder with {layers} stride-2 layers needs image sides divisible by {factor}, got {height}x{width}; resize the images");
            var down = new List<Module<Tensor, Tensor>>();
            var up = new List<Module<Tensor, Tensor>>();
            long inC = c;
            for (int i = 0; i < layers; i++)
            {
                long outC = options.ConvChannels[i];
                down.Add(Conv2d(inC, outC, 3, stride: 2, padding: 1));
                down.Add(i == layers - 1 ? Sigmoid() : ReLU());
                inC = outC;
            }
            for (int i = layers - 1; i >= 0; i--)
            {
                long outC = i == 0 ? c : options.ConvChannels[i - 1];
                up.Add(ConvTranspose2d(options.ConvChannels[i], outC, 3, stride: 2, padding: 1, output_padding: 1));
                up.Add(i == 0 ? Sigmoid() : ReLU());
            }
            model = new Autoencoder(options.Kind, inputShape, Sequential(down), Sequential(up))
            {
                CodeSize = options.ConvChannels[^1] * (height / factor) * (width / factor),
            };
        }
        return model;
    }

    /// <summary>Codes <c>(N, F)</c> of a batch, in the current dispose scope.</summary>
    public Tensor Encode(Tensor x) => encoder.call(x).flatten(1);

    /// <summary>The encoder's raw output: <c>(N, F)</c> (dense) or <c>(N, C', H', W')</c> (conv).</summary>
    internal Tensor EncodeRaw(Tensor x) => encoder.call(x);

    /// <summary>Reconstructs from the encoder's raw output.</summary>
    internal Tensor Decode(Tensor code) => decoder.call(code);

    /// <summary>The reconstruction x̂ of a batch.</summary>
    public override Tensor forward(Tensor x) => decoder.call(encoder.call(x));

    /// <summary>Codes of a whole dataset as a new unlabelled-or-labelled <c>(N, F)</c> dataset (labels kept).</summary>
    public Dataset EncodeDataset(Dataset data, int batchSize = 512)
    {
        CheckShape(data);
        return FeatureMap.Encoder(this).Apply(data, batchSize);
    }

    /// <summary>Mean ½‖x − x̂‖² per example over a dataset (no noise).</summary>
    public double ReconstructionLoss(Dataset data, int batchSize = 512)
    {
        CheckShape(data);
        bool wasTraining = training;
        eval();
        try
        {
            using var noGrad = no_grad();
            double sum = 0;
            var device = Devices.Of(this);
            foreach (var batch in Batches.Of(data, batchSize))
            {
                using var scope = NewDisposeScope();
                var x = batch.Inputs.On(device);
                sum += AutoencoderTrainer.ReconstructionLoss(call(x), x).item<float>() * x.shape[0];
            }
            return sum / data.Count;
        }
        finally
        {
            if (wasTraining) train();
        }
    }

    /// <summary>
    /// <paramref name="count"/> examples spread evenly over the dataset, and their reconstructions, flattened channel-major (CHW), as
    /// plain arrays for drawing.
    /// </summary>
    public IReadOnlyList<(float[] Original, float[] Reconstruction)> ReconstructionExamples(Dataset data, int count)
    {
        CheckShape(data);
        count = Math.Min(count, data.Count);
        if (count == 0) return [];
        bool wasTraining = training;
        eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var picks = Enumerable.Range(0, count).Select(i => (long)i * data.Count / count).ToArray();
            var x = data.Inputs.index_select(0, tensor(picks, ScalarType.Int64, device: data.Inputs.device));
            var y = call(x.On(Devices.Of(this)));
            var originals = x.flatten(1).ToArrayOnCpu<float>();
            var recon = y.flatten(1).ToArrayOnCpu<float>();
            int d = originals.Length / count;
            return Enumerable.Range(0, count).Select(i => (originals[(i * d)..((i + 1) * d)], recon[(i * d)..((i + 1) * d)])).ToArray();
        }
        finally
        {
            if (wasTraining) train();
        }
    }

    internal void CheckShape(Dataset data)
    {
        if (!data.ExampleShape.SequenceEqual(InputShape))
            throw new ArgumentException($"dataset '{data.Name}' has examples of shape [{string.Join(", ", data.ExampleShape)}] but the autoencoder takes [{string.Join(", ", InputShape)}]");
    }
}
