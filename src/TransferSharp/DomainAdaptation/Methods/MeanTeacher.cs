using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// Self-ensembling with a mean teacher (French, Mackiewicz &amp; Fisher, "Self-ensembling for Visual Domain
/// Adaptation", ICLR 2018): a student trained on source CE plus a consistency loss that pulls its predictions on
/// augmented target images towards those of a teacher, whose weights are an exponential moving average of the student's.
/// </summary>
/// <remarks>
/// <para>Per step, with two independent augmentations a, a' of the target batch (Gaussian noise σ, and for images a
/// random shift of up to <see cref="Options.MaxShift"/> pixels): L = CE(student(a(x_s)), y_s) + w·C + w_b·B, where C is
/// the squared difference of the student's and the teacher's softmax on a(x_t) and a'(x_t), summed over classes and
/// averaged over the examples whose teacher confidence exceeds <see cref="Options.ConfidenceThreshold"/> (0 for the
/// others), and B the class-balance loss: binary cross-entropy between the mean student target prediction and 1/K.
/// After the update the teacher's parameters move to α·teacher + (1 − α)·student and its batch-norm running statistics
/// are copied from the student. Both normalise a batch with its own statistics during training.</para>
/// <para>The paper's defaults (its code): w = 3, confidence threshold 0.968, w_b = 0.005, α = 0.99, noise σ = 0.1 and
/// shifts of 2 pixels. Not the paper's: separate source and target batches share the student's batch norm (the library's
/// one forward per domain), Adam on the library's schedule; predictions, evaluation and the checkpoint use the student.
/// Logged: "classification", "alignment" = C, "entropy" (student's mean target entropy), "confident" (fraction above
/// the threshold).</para>
/// </remarks>
public sealed class MeanTeacher : AdaptationMethod<MeanTeacher.Options>
{
    /// <summary>The method.</summary>
    public static MeanTeacher Method { get; } = new();

    private MeanTeacher() { }

    /// <summary>Mean teacher's settings.</summary>
    public sealed record Options : AdaptationMethodOptions
    {
        /// <summary>MeanTeacher's defaults.</summary>
        public Options() : base(MeanTeacher.Method) { }

        /// <summary>Weight w of the consistency loss. Default 3.</summary>
        public double ConsistencyWeight { get; init; } = 3;
        /// <summary>Teacher confidence (max softmax) below which an example's consistency is not counted. Default 0.968.</summary>
        public double ConfidenceThreshold { get; init; } = 0.968;
        /// <summary>Weight w_b of the class-balance loss. Default 0.005.</summary>
        public double BalanceWeight { get; init; } = 0.005;
        /// <summary>EMA rate α of the teacher. Default 0.99.</summary>
        public double TeacherAlpha { get; init; } = 0.99;
        /// <summary>Standard deviation of the Gaussian noise added to the (normalised) inputs. Default 0.1.</summary>
        public double Noise { get; init; } = 0.1;
        /// <summary>Largest random shift in pixels of image inputs (per batch, both axes); 0 = none. Default 2.</summary>
        public int MaxShift { get; init; } = 2;

        /// <inheritdoc />
        public override IReadOnlyList<OptionError> Validate()
        {
            var e = new List<OptionError>();
            static bool Ok(double v) => v >= 0 && !double.IsInfinity(v);
            if (!Ok(ConsistencyWeight)) e.Add(new(nameof(ConsistencyWeight), $"consistency weight must be non-negative, got {ConsistencyWeight}"));
            if (!(ConfidenceThreshold >= 0 && ConfidenceThreshold < 1)) e.Add(new(nameof(ConfidenceThreshold), $"confidence threshold must be in [0, 1), got {ConfidenceThreshold}"));
            if (!Ok(BalanceWeight)) e.Add(new(nameof(BalanceWeight), $"balance weight must be non-negative, got {BalanceWeight}"));
            if (!(TeacherAlpha >= 0 && TeacherAlpha < 1)) e.Add(new(nameof(TeacherAlpha), $"teacher alpha must be in [0, 1), got {TeacherAlpha}"));
            if (!Ok(Noise)) e.Add(new(nameof(Noise), $"noise must be non-negative, got {Noise}"));
            if (MaxShift < 0) e.Add(new(nameof(MaxShift), $"max shift must be non-negative, got {MaxShift}"));
            return e;
        }
    }

    /// <inheritdoc />
    public override string Name => "mean-teacher";
    /// <inheritdoc />
    public override string Description => "self-ensembling: consistency with an EMA teacher on augmented target images (French et al. 2018)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => true;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new Step(network, options);

    private sealed class Step : ITrainingStep<AdaptationBatch>, IDisposable
    {
        private readonly AdaptationNetwork student;
        private readonly AdaptationNetwork teacher;
        private readonly Options options;
        private readonly (Tensor Teacher, Tensor Student)[] parameterPairs;
        private readonly (Tensor Teacher, Tensor Student)[] bufferPairs;

        public Step(AdaptationNetwork network, Options options)
        {
            student = network;
            this.options = options;
            // The teacher: the same architecture, starting from the student's weights; never trained by gradients.
            teacher = new AdaptationNetwork(ModelZoo.Create(network.Backbone.Spec), network.BottleneckWidth).MoveTo(Devices.Of(network));
            teacher.load_state_dict(network.state_dict());
            foreach (var p in teacher.parameters()) p.requires_grad = false;
            var mine = network.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
            parameterPairs = teacher.named_parameters().Select(p => ((Tensor)p.parameter, mine[p.name])).ToArray();
            var myBuffers = network.named_buffers().ToDictionary(b => b.name, b => b.buffer);
            bufferPairs = teacher.named_buffers().Select(b => (b.buffer, myBuffers[b.name])).ToArray();
            Phases = [new TrainingPhase("student", [new ParameterGroupSpec(network.parameters().Where(p => p.requires_grad).ToArray())])];
        }

        public IReadOnlyList<TrainingPhase> Phases { get; }

        public void SetTraining(bool training)
        {
            student.train(training);
            // As in French et al.'s code, the teacher normalises with the target batch's own statistics, as the student
            // does: with running statistics (a mix of both domains) its predictions would not match the student's.
            teacher.train(training);
        }

        public StepOutcome Run(AdaptationBatch batch, StepContext context)
        {
            var optimizer = context.Optimizers[0];
            var xt = batch.TargetInputs ?? throw new ArgumentException("mean teacher needs a target batch");
            optimizer.zero_grad();
            var logitsS = student.call(Augment(batch.Inputs));                             // (B, K)
            var ce = functional.cross_entropy(logitsS, batch.Labels);
            var logitsT = student.call(Augment(xt));                                      // (B, K)
            var p = functional.softmax(logitsT, 1);
            Tensor q;
            using (no_grad()) q = functional.softmax(teacher.call(Augment(xt)), 1);      // (B, K), no gradient
            var confident = (q.max(1).values > options.ConfidenceThreshold).to_type(ScalarType.Float32);   // (B)
            var consistency = ((p - q).pow(2).sum(1) * confident).mean();
            var mean = p.mean([0]);                                                       // (K)
            var balance = functional.binary_cross_entropy(mean, full_like(mean, 1.0 / p.shape[1]));
            var loss = ce + options.ConsistencyWeight * consistency + options.BalanceWeight * balance;
            double classification = ce.item<float>();
            loss.backward();
            optimizer.step();
            using (no_grad())
            {
                foreach (var (t, s) in parameterPairs) t.mul_(options.TeacherAlpha).add_(s, alpha: 1 - options.TeacherAlpha);
                foreach (var (t, s) in bufferPairs) t.copy_(s);
            }
            return new StepOutcome(classification, batch.Inputs.shape[0], logitsS.argmax(1).eq(batch.Labels).sum().item<long>(),
                new Dictionary<string, double>
                {
                    ["classification"] = classification, ["alignment"] = consistency.item<float>(),
                    ["entropy"] = Losses.Entropy.Mean(logitsT).item<float>(), ["confident"] = confident.mean().item<float>(),
                });
        }

        /// <summary>Gaussian noise, and for images <c>(B, C, H, W)</c> one random shift of the batch (wrapping at the edges).</summary>
        private Tensor Augment(Tensor x)
        {
            var y = options.Noise > 0 ? x + randn_like(x) * options.Noise : x;
            if (x.dim() == 4 && options.MaxShift > 0)
            {
                var shift = randint(-options.MaxShift, options.MaxShift + 1, [2], device: CPU).data<long>().ToArray();   // two numbers, read here
                y = y.roll([shift[0], shift[1]], [2, 3]);
            }
            return y;
        }

        public void Dispose()
        {
            teacher.Dispose();
            teacher.Backbone.Dispose();
        }
    }
}
