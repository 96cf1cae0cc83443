using TransferSharp.Training;

namespace TransferSharp.Translation;

/// <summary>
/// One teacher-forced step: the decoder sees the reference prefix and predicts each next character; cross-entropy
/// with label smoothing over the non-padding positions; one Adam phase over the whole model. Reports token accuracy
/// and the batch's directions (for the test that zero-shot directions never train).
/// </summary>
internal sealed class TranslationStep(TranslationModel model, double labelSmoothing, Action<TranslationBatch>? seen = null)
    : ITrainingStep<TranslationBatch>
{
    public IReadOnlyList<TrainingPhase> Phases { get; } = [new TrainingPhase("all", [new ParameterGroupSpec(model.parameters().ToArray())])];

    /// <summary>Target tokens trained on so far.</summary>
    public long Tokens { get; private set; }

    private readonly Device device = Devices.Of(model);

    public void SetTraining(bool training) => model.train(training);

    public StepOutcome Run(TranslationBatch batch, StepContext context)
    {
        seen?.Invoke(batch);
        batch = batch.On(device);
        var optimizer = context.Optimizers[0];
        optimizer.zero_grad();
        var logits = model.call(batch.Source, batch.DecoderInput);   // (N, T, V)
        var flat = logits.reshape(-1, logits.shape[2]);
        var target = batch.Target.reshape(-1);
        var loss = functional.cross_entropy(flat, target, ignore_index: CharTokenizer.Pad, label_smoothing: labelSmoothing);
        loss.backward();
        optimizer.step();
        var mask = target.ne(CharTokenizer.Pad);
        long correct = flat.argmax(1).eq(target).logical_and(mask).sum().item<long>();
        Tokens += batch.Tokens;
        return new StepOutcome(loss.item<float>(), batch.Source.shape[0], correct) { Predictions = batch.Tokens };
    }
}
