using TransferSharp.Data;

namespace TransferSharp.Evaluation;

/// <summary>Loss and accuracy of a classifier on a labelled dataset.</summary>
public sealed record ClassificationScore(double Loss, double Accuracy, int Count, int[,] Confusion)
{
    /// <summary>Accuracy of each true class (recall), NaN for a class with no examples.</summary>
    public double[] PerClassAccuracy()
    {
        int k = Confusion.GetLength(0);
        var acc = new double[k];
        for (int i = 0; i < k; i++)
        {
            long row = 0;
            for (int j = 0; j < k; j++) row += Confusion[i, j];
            acc[i] = row == 0 ? double.NaN : Confusion[i, i] / (double)row;
        }
        return acc;
    }
}

/// <summary>Evaluation of classifiers.</summary>
public static class Metrics
{
    /// <summary>
    /// The batch size inference uses when the caller gives none: about 4.8 million input values a batch (512 MNIST
    /// digits, 391 RGB images of 64x64, 32 of 224x224), between 1 and 512. A fixed 512 would need tens of GB for a
    /// ResNet-18 at 224x224, whose activations are about 100 times its input.
    /// </summary>
    public static int InferenceBatchSize(IReadOnlyList<long> exampleShape)
    {
        long values = exampleShape.Aggregate(1L, (a, b) => a * Math.Max(1, b));
        return (int)Math.Clamp(32L * 3 * 224 * 224 / values, 1, 512);
    }

    /// <summary>Mean cross-entropy, accuracy and the confusion matrix (rows: true class, columns: predicted).</summary>
    /// <param name="model">The classifier; its train/eval mode is restored afterwards.</param>
    /// <param name="data">A labelled <see cref="Dataset"/> or other batch source (e.g. a <see cref="StreamingImageFolder"/>), read in order.</param>
    /// <param name="batchSize">Examples per forward pass; 0 = <see cref="InferenceBatchSize"/> of the examples' shape.</param>
    public static ClassificationScore Evaluate(Module<Tensor, Tensor> model, IBatchSource data, int batchSize = 0)
    {
        if (!data.HasLabels) throw new ArgumentException($"dataset '{data.Name}' has no labels to evaluate against");
        if (batchSize <= 0) batchSize = InferenceBatchSize(data.ExampleShape);
        int k = data.ClassNames.Count;
        var confusion = new int[k, k];
        double lossSum = 0;
        bool wasTraining = model.training;
        var device = Training.Devices.Of(model);
        model.eval();
        try
        {
            using var noGrad = no_grad();
            foreach (var cpuBatch in data.Batches(batchSize, shuffle: false, seed: 0))
            {
                using var scope = NewDisposeScope();
                var batch = Training.Devices.On(cpuBatch, device);
                var logits = model.call(batch.Inputs);
                if (logits.shape[1] != k)
                    throw new ArgumentException($"model gives {logits.shape[1]} outputs but dataset '{data.Name}' has {k} classes");
                lossSum += functional.cross_entropy(logits, batch.Labels!, reduction: Reduction.Sum).item<float>();
                var predicted = Training.Devices.ToArrayOnCpu<long>(logits.argmax(1));
                var truth = Training.Devices.ToArrayOnCpu<long>(cpuBatch.Labels!);
                for (int i = 0; i < predicted.Length; i++) confusion[truth[i], predicted[i]]++;
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        int n = data.Count, correct = 0;
        for (int i = 0; i < k; i++) correct += confusion[i, i];
        return new ClassificationScore(n == 0 ? double.NaN : lossSum / n, n == 0 ? double.NaN : correct / (double)n, n, confusion);
    }

    /// <summary>Predicted class indices <c>(N)</c> and their softmax probabilities <c>(N, K)</c>, as managed arrays.</summary>
    /// <param name="model">The classifier; its train/eval mode is restored afterwards.</param>
    /// <param name="inputs">Examples <c>(N, ...)</c>.</param>
    /// <param name="batchSize">Examples per forward pass; 0 = <see cref="InferenceBatchSize"/> of the examples' shape.</param>
    public static (long[] Classes, float[,] Probabilities) Predict(Module<Tensor, Tensor> model, Tensor inputs, int batchSize = 0)
    {
        if (batchSize <= 0) batchSize = InferenceBatchSize(inputs.shape[1..]);
        bool wasTraining = model.training;
        var device = Training.Devices.Of(model);
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var parts = new List<Tensor>();
            for (long start = 0; start < inputs.shape[0]; start += batchSize)
            {
                // One scope per batch: its activations are freed before the next batch; only (B, K) is kept.
                using var batchScope = NewDisposeScope();
                var x = Training.Devices.On(inputs.narrow(0, start, Math.Min(batchSize, inputs.shape[0] - start)), device);
                parts.Add(Training.Devices.On(functional.softmax(model.call(x), 1), CPU).MoveToOuterDisposeScope());   // (B, K), read on the CPU
            }
            var probs = cat(parts, 0);                                                           // (N, K)
            int n = (int)probs.shape[0], k = (int)probs.shape[1];
            var flat = probs.data<float>().ToArray();
            var p = new float[n, k];
            Buffer.BlockCopy(flat, 0, p, 0, flat.Length * sizeof(float));
            return (probs.argmax(1).data<long>().ToArray(), p);
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }
}
