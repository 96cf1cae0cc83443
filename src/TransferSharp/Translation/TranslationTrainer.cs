using System.Diagnostics;
using TransferSharp.Training;

namespace TransferSharp.Translation;

/// <summary>What one training run did besides the model: time, steps and target tokens per second.</summary>
/// <param name="Pairs">Sentence pairs per epoch (rows × directions).</param>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="Seconds">Wall time of training (evaluation included).</param>
/// <param name="TokensPerSecond">Target tokens trained on per second of training.</param>
public sealed record TranslationTraining(int Pairs, long Steps, double Seconds, double TokensPerSecond);

/// <summary>
/// Trains one <see cref="TranslationModel"/> on the pairs of the given directions only (every corpus row in each of
/// them) with teacher forcing and label smoothing, on <see cref="TrainingLoop"/>. After every epoch, the
/// teacher-forced token accuracy on the validation rows (same directions) is the validation score.
/// </summary>
public static class TranslationTrainer
{
    /// <summary>Trains a new model on <paramref name="directions"/> of <paramref name="train"/>.</summary>
    /// <param name="train">Training rows; its characters make the vocabulary.</param>
    /// <param name="validation">Validation rows, or null for none.</param>
    /// <param name="directions">The only directions training pairs are made of.</param>
    /// <param name="options">Model size and training settings.</param>
    /// <param name="progress">A report after every step.</param>
    /// <param name="cancellation">Checked before every step.</param>
    /// <param name="observe">Sees every training batch (tests use it to check which directions train).</param>
    /// <exception cref="ArgumentException">A direction in a language the corpus lacks, or a sentence longer than the max length.</exception>
    public static (Translator Translator, TranslationTraining Training) Fit(ParallelCorpus train, ParallelCorpus? validation,
        IReadOnlyList<TranslationDirection> directions, TranslationOptions options, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, Action<TranslationBatch>? observe = null)
    {
        options.ThrowIfInvalid();
        if (directions.Count == 0) throw new ArgumentException("no training direction given");
        foreach (var d in directions)
            foreach (var l in new[] { d.Source, d.Target })
                if (!train.Has(l)) throw new ArgumentException($"direction {d}: the corpus has no language '{l}' (it has {string.Join(", ", train.Languages)})");
        Seeding.SeedEverything(options.Seed);
        Seeding.SetThreads(options.Threads);
        var tokenizer = ITranslationTokenizer.Create(options.Tokenizer, train.Languages, train.AllSentences());
        var pairs = new TranslationBatches(train, directions, tokenizer, options.MaxLength);
        foreach (var d in directions)
            if (train.RowsWith(d.Source, d.Target).Count == 0) throw new ArgumentException($"direction {d}: {train.Source} has no row in both {d.Source} and {d.Target}, so no training pair");
        var held = validation is { Count: > 0 } ? new TranslationBatches(validation, directions, tokenizer, options.MaxLength) : null;
        if (held is { Count: 0 }) held = null;   // a sparse validation part may hold none of these directions' pairs
        var model = new TranslationModel(tokenizer.VocabularySize, options);
        try
        {
            model.MoveTo(options.ResolveDevice());   // before the step collects its parameters: moving replaces them
            var step = new TranslationStep(model, options.LabelSmoothing, observe);
            var clock = Stopwatch.StartNew();
            var hooks = new LoopHooks { EpochTrained = held is null ? null : _ => Validate(model, held, options.BatchSize) };
            var r = new TrainingLoop(options).Run(step, epoch => pairs.Epoch(options.BatchSize, TrainingLoop.ShuffleSeed(options.Seed, epoch)),
                pairs.StepsPerEpoch(options.BatchSize), hooks, progress, cancellation);
            model.eval();
            double seconds = clock.Elapsed.TotalSeconds;
            return (new Translator(model, tokenizer, directions.ToArray(), r.History),
                new TranslationTraining(pairs.Count, r.Steps, seconds, step.Tokens / Math.Max(1e-9, seconds)));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Teacher-forced loss and token accuracy on held-out pairs.</summary>
    private static EpochValidation Validate(TranslationModel model, TranslationBatches held, int batchSize)
    {
        model.eval();
        var device = Devices.Of(model);
        double lossSum = 0;
        long correct = 0, tokens = 0;
        foreach (var cpuBatch in held.Epoch(batchSize, 0))
        {
            using var scope = NewDisposeScope();
            var b = cpuBatch.On(device);
            using var noGrad = no_grad();
            var logits = model.call(b.Source, b.DecoderInput);
            var flat = logits.reshape(-1, logits.shape[2]);
            var target = b.Target.reshape(-1);
            lossSum += functional.cross_entropy(flat, target, ignore_index: CharTokenizer.Pad, reduction: Reduction.Sum).item<float>();
            correct += flat.argmax(1).eq(target).logical_and(target.ne(CharTokenizer.Pad)).sum().item<long>();
            tokens += b.Tokens;
        }
        model.train();
        return new EpochValidation(lossSum / tokens, correct / (double)tokens);
    }
}
