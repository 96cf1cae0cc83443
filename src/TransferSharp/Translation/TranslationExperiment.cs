using TransferSharp.Training;

namespace TransferSharp.Translation;

/// <summary>Which directions an experiment trains and which it tests zero-shot.</summary>
public sealed record TranslationExperimentOptions
{
    /// <summary>Directions with training pairs (e.g. en-fr, fr-en, en-de, de-en).</summary>
    public required IReadOnlyList<TranslationDirection> Train { get; init; }
    /// <summary>Directions never trained on, tested zero-shot (e.g. fr-de, de-fr).</summary>
    public required IReadOnlyList<TranslationDirection> ZeroShot { get; init; }
    /// <summary>The bridge language of the bridged baseline (source → pivot → target with the same model). Default en.</summary>
    public string Pivot { get; init; } = "en";
    /// <summary>Also train the direct baseline: a second model that gets the zero-shot directions' pairs too (the upper bound). Default true.</summary>
    public bool Direct { get; init; } = true;
    /// <summary>Test rows translated per direction (the first ones); 0 = all. Default 0.</summary>
    public int TestLimit { get; init; }

    /// <summary>Names every bad field against the corpus's languages; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate(IReadOnlyList<string> languages)
    {
        var e = new List<OptionError>();
        if (Train.Count == 0) e.Add(new(nameof(Train), "train lists no direction"));
        if (ZeroShot.Count == 0) e.Add(new(nameof(ZeroShot), "zero shot lists no direction"));
        foreach (var (field, list) in new[] { (nameof(Train), Train), (nameof(ZeroShot), ZeroShot) })
            foreach (var d in list)
                foreach (var l in new[] { d.Source, d.Target }.Where(l => !languages.Contains(l)).Distinct())
                    e.Add(new(field, $"{Words(field)} direction {d}: the corpus has no language '{l}' (it has {string.Join(", ", languages)})"));
        foreach (var d in ZeroShot.Intersect(Train))
            e.Add(new(nameof(ZeroShot), $"zero shot direction {d} is also a training direction: a zero-shot direction must never be trained on"));
        var targets = Train.Select(d => d.Target).ToHashSet();
        var sources = Train.Select(d => d.Source).ToHashSet();
        foreach (var d in ZeroShot)
        {
            if (!targets.Contains(d.Target)) e.Add(new(nameof(ZeroShot), $"zero shot direction {d}: no training direction produces {d.Target}, so the model never learns to write it"));
            if (!sources.Contains(d.Source)) e.Add(new(nameof(ZeroShot), $"zero shot direction {d}: no training direction reads {d.Source}, so the model never learns to read it"));
        }
        if (TestLimit < 0) e.Add(new(nameof(TestLimit), $"test limit must be 0 or more, got {TestLimit}"));
        return e;
    }

    /// <summary>
    /// <see cref="Validate(IReadOnlyList{string})"/> against the splits' languages, and, for sparse corpora (pair files),
    /// that every training direction has training pairs and every zero-shot direction has test pairs.
    /// </summary>
    public IReadOnlyList<OptionError> Validate(CorpusSplits splits)
    {
        var e = Validate(splits.Train.Languages).ToList();
        if (e.Count > 0) return e;
        foreach (var d in Train.Where(d => splits.Train.RowsWith(d.Source, d.Target).Count == 0))
            e.Add(new(nameof(Train), $"train direction {d}: no training pair (no training row has both a {d.Source} and a {d.Target} sentence)"));
        foreach (var d in ZeroShot.Where(d => splits.Test.RowsWith(d.Source, d.Target).Count == 0))
            e.Add(new(nameof(ZeroShot), $"zero shot direction {d}: no test pair (no test row has both a {d.Source} and a {d.Target} sentence; give a test file of {d} pairs)"));
        return e;
    }

    private static string Words(string field) => field == nameof(ZeroShot) ? "zero shot" : "train";
}

/// <summary>
/// Johnson et al.'s (2017) zero-shot experiment: one multilingual model trained on some directions translates
/// directions it never saw; compared with the same model bridged through a pivot language, and with a model that
/// was also trained on the zero-shot directions (direct). Returns the typed record of <see cref="TranslationReport"/>.
/// </summary>
public static class TranslationExperiment
{
    /// <summary>System names in <see cref="DirectionScore.System"/>.</summary>
    public const string Supervised = "supervised", ZeroShot = "zero-shot", Bridged = "bridged", Direct = "direct";

    /// <summary>Trains the models and scores every direction on the test rows.</summary>
    /// <param name="splits">Disjoint training, validation and test rows.</param>
    /// <param name="experiment">Training and zero-shot directions, pivot, baselines.</param>
    /// <param name="options">Model and training settings (both models use the same).</param>
    /// <param name="progress">One report per step of either model.</param>
    /// <param name="cancellation">Checked before every step.</param>
    public static TranslationOutcome Run(CorpusSplits splits, TranslationExperimentOptions experiment, TranslationOptions options,
        IProgress<ExperimentProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.ThrowIfInvalid();
        InvalidOptionsException.ThrowIfAny(experiment.Validate(splits));
        var notes = new List<string>();
        // The direct baseline trains on the zero-shot directions too, so it needs their training pairs: a sparse corpus
        // (pair files) may have none (rows are in fr-de only where a meaning happens to be in both files).
        var directOnes = experiment.ZeroShot.Where(d => splits.Train.RowsWith(d.Source, d.Target).Count > 0).ToArray();
        bool runDirect = experiment.Direct && directOnes.Length > 0;
        if (experiment.Direct && directOnes.Length < experiment.ZeroShot.Count)
            notes.Add($"direct baseline {(runDirect ? "not scored on" : "skipped:")} {string.Join(", ", experiment.ZeroShot.Except(directOnes))}: " +
                      "no training pair of it (no training row has both languages; give pair files of it to train the upper bound)");
        int runs = runDirect ? 2 : 1;
        IProgress<TrainingProgress>? Stage(int run, string name) =>
            progress is null ? null : new SyncProgress<TrainingProgress>(p => progress.Report(new ExperimentProgress(run, runs, name, p)));

        var (multilingual, training) = TranslationTrainer.Fit(splits.Train, splits.Validation, experiment.Train, options, Stage(0, "multilingual"), cancellation);
        Translator? direct = null;
        try
        {
            TranslationTraining? directTraining = null;
            if (runDirect)
                (direct, directTraining) = TranslationTrainer.Fit(splits.Train, splits.Validation, [.. experiment.Train, .. directOnes], options,
                    Stage(1, "direct"), cancellation);
            var test = experiment.TestLimit > 0 && experiment.TestLimit < splits.Test.Count
                ? splits.Test.Subset(Enumerable.Range(0, experiment.TestLimit), splits.Test.Source) : splits.Test;
            var identifier = new LanguageIdentifier(splits.Train);
            var scores = new List<DirectionScore>();
            foreach (var d in experiment.Train)
            {
                var (sources, _) = test.Pairs(d);
                if (sources.Count == 0) notes.Add($"{d}: no test pair (no test row has both languages), not scored");
                else scores.Add(Score(Supervised, d, test, multilingual.Translate(sources, d.Target), identifier));
            }
            foreach (var d in experiment.ZeroShot)
            {
                cancellation.ThrowIfCancellationRequested();
                var (sources, _) = test.Pairs(d);
                if (sources.Count == 0)
                {
                    notes.Add($"{d}: no test pair within the first {test.Count} test rows, not scored");
                    continue;
                }
                scores.Add(Score(ZeroShot, d, test, multilingual.Translate(sources, d.Target), identifier));
                if (CanBridge(experiment, d))
                    scores.Add(Score(Bridged, d, test, multilingual.Translate(multilingual.Translate(sources, experiment.Pivot), d.Target), identifier));
                if (direct is not null && directOnes.Contains(d)) scores.Add(Score(Direct, d, test, direct.Translate(sources, d.Target), identifier));
            }
            var retrieval = Retrieval.Accuracy(multilingual, test, experiment.Pivot);
            var report = new TranslationReport(splits, experiment, options, scores, training, directTraining, multilingual.History, direct?.History, retrieval)
                { Notes = notes };
            return new TranslationOutcome(multilingual, direct, report);
        }
        catch
        {
            multilingual.Dispose();
            direct?.Dispose();
            throw;
        }
    }

    /// <summary>Whether source → pivot and pivot → target are both trained (and the pivot is neither end).</summary>
    public static bool CanBridge(TranslationExperimentOptions experiment, TranslationDirection d) =>
        d.Source != experiment.Pivot && d.Target != experiment.Pivot
        && experiment.Train.Contains(new(d.Source, experiment.Pivot)) && experiment.Train.Contains(new(experiment.Pivot, d.Target));

    /// <summary>
    /// Exact match, chrF, BLEU and wrong-language rate of <paramref name="outputs"/> against the test pairs of
    /// <paramref name="d"/> (<see cref="ParallelCorpus.Pairs"/>: every row of a dense corpus).
    /// </summary>
    public static DirectionScore Score(string system, TranslationDirection d, ParallelCorpus test, IReadOnlyList<string> outputs, LanguageIdentifier identifier)
    {
        var (sources, references) = test.Pairs(d);
        if (outputs.Count != references.Count) throw new ArgumentException($"{d}: {outputs.Count} outputs for {references.Count} test pairs");
        return new DirectionScore(d.ToString(), system, outputs.Count, TranslationMetrics.ExactMatch(outputs, references),
            TranslationMetrics.ChrF(outputs, references), TranslationMetrics.Bleu(outputs, references), identifier.WrongLanguageRate(outputs, d.Target),
            Enumerable.Range(0, Math.Min(3, outputs.Count)).Select(i => new TranslationSample(sources[i], references[i], outputs[i])).ToArray());
    }
}

/// <summary>The trained models and the report. Dispose to free both models.</summary>
public sealed record TranslationOutcome(Translator Multilingual, Translator? Direct, TranslationReport Report) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Multilingual.Dispose();
        Direct?.Dispose();
    }
}
