using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using TransferSharp.Data;

namespace TransferSharp.Tests.Data;

/// <summary>
/// Property tests (FsCheck, a fixed replay seed so every run checks the same cases) of the data operations every
/// experiment stands on: stratified splits, class filters, batching.
/// </summary>
[Collection("Sequential")]
public sealed class DataPropertyTests
{
    /// <summary>100 cases from a fixed seed: reproducible, and failures shrink to a small counter-example.</summary>
    private static readonly Config Fixed = Config.QuickThrowOnFailure.WithMaxTest(100)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20261205UL, 1UL), FSharpOption<int>.None)));

    /// <summary>Class sizes 0..30 for 1..6 classes, a test fraction in (0, 1) and a seed.</summary>
    private static readonly Arbitrary<(int[] Sizes, int Percent, int Seed)> Splits = Arb.From(
        from sizes in Gen.Choose(0, 30).ArrayOf().Where(a => a.Length is >= 1 and <= 6)
        from percent in Gen.Choose(1, 99)
        from seed in Gen.Choose(0, 1000)
        select (sizes, percent, seed));

    [Fact]
    public void Stratified_splits_are_disjoint_cover_everything_and_give_every_class_its_share() =>
        Check.One(Fixed, Prop.ForAll(Splits, c =>
        {
            var byClass = new List<IReadOnlyList<long>>();
            long next = 0;
            foreach (int size in c.Sizes) byClass.Add(Enumerable.Range(0, size).Select(_ => next++).ToArray());
            double fraction = c.Percent / 100.0;
            var (train, test) = TransferSharp.Data.Splits.Stratified(byClass, fraction, c.Seed);
            bool disjoint = !train.Intersect(test).Any() && train.Distinct().Count() == train.Count && test.Distinct().Count() == test.Count;
            bool covers = train.Concat(test).Order().SequenceEqual(Enumerable.Range(0, (int)next).Select(i => (long)i));
            bool sorted = train.SequenceEqual(train.Order()) && test.SequenceEqual(test.Order());
            // Each class: its rounded share, at least one and never all of it once it has two members.
            bool shares = byClass.All(members =>
            {
                int inTest = members.Count(test.Contains);
                return Math.Abs(inTest - members.Count * fraction) <= 1 && (members.Count < 2 || (inTest >= 1 && inTest < members.Count));
            });
            return disjoint && covers && sorted && shares;
        }));

    [Fact]
    public void Class_filters_keep_exactly_the_chosen_classes_relabelled_in_the_order_given() =>
        Check.One(Fixed, Prop.ForAll(Arb.From(
            from labels in Gen.Choose(0, 4).ArrayOf().Where(a => a.Length is >= 1 and <= 40)
            from order in Gen.Shuffle(new[] { 0, 1, 2, 3, 4 })
            from take in Gen.Choose(1, 5)
            select (labels, order.Take(take).ToArray())), c =>
        {
            var (labels, chosen) = c;
            using var data = new Dataset("p", arange(labels.Length, ScalarType.Float32).reshape(labels.Length, 1),
                tensor(labels.Select(l => (long)l).ToArray()), ["a", "b", "c", "d", "e"], "property");
            using var kept = data.SelectClasses(chosen);
            var keptRows = kept.Inputs.data<float>().Select(v => (int)v).ToArray();   // the row index each kept example came from
            var keptLabels = kept.LabelArray();
            var expectedRows = Enumerable.Range(0, labels.Length).Where(i => chosen.Contains(labels[i])).ToArray();
            return keptRows.SequenceEqual(expectedRows)
                && keptRows.Select((row, i) => chosen[keptLabels[i]] == labels[row]).All(ok => ok)
                && kept.ClassNames.SequenceEqual(chosen.Select(k => "abcde"[k].ToString()));
        }));

    [Fact]
    public void Batching_visits_every_example_exactly_once_per_epoch_in_batches_of_the_size_asked() =>
        Check.One(Fixed, Prop.ForAll(Arb.From(
            from n in Gen.Choose(1, 70)
            from batch in Gen.Choose(1, 20)
            from seed in Gen.Choose(0, 1000)
            from shuffle in Gen.Elements(true, false)
            select (n, batch, seed, shuffle)), c =>
        {
            // Example i holds the value i and the label i mod 3.
            using var data = new Dataset("p", arange(c.n, ScalarType.Float32).reshape(c.n, 1), arange(c.n, ScalarType.Int64) % 3, ["a", "b", "c"], "property");
            var seen = new List<int>();
            var sizes = new List<long>();
            foreach (var b in ((IBatchSource)data).Batches(c.batch, c.shuffle, (ulong)c.seed))
            {
                sizes.Add(b.Inputs.shape[0]);
                var values = b.Inputs.data<float>().Select(v => (int)v).ToArray();
                seen.AddRange(values);
                // Inputs and labels stay paired through the shuffle.
                if (!values.Select(v => (long)(v % 3)).SequenceEqual(b.Labels!.data<long>())) return false;
            }
            bool once = seen.Order().SequenceEqual(Enumerable.Range(0, c.n));
            bool inOrder = c.shuffle || seen.SequenceEqual(Enumerable.Range(0, c.n));
            bool sized = sizes.Take(sizes.Count - 1).All(s => s == c.batch) && sizes[^1] is > 0 && sizes[^1] <= c.batch;
            return once && inOrder && sized;
        }));
}
