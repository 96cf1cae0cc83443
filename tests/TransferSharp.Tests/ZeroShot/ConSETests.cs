using TransferSharp.ZeroShot;

namespace TransferSharp.Tests.ZeroShot;

[Collection("Sequential")]
public sealed class ConSETests
{
    [Fact]
    public void Embedding_is_the_normalised_convex_combination_of_the_top_T_descriptions()
    {
        // Two images, four seen classes with 3-dimensional descriptions s(y).
        float[][] p = [[0.1f, 0.5f, 0.3f, 0.1f], [0.7f, 0.05f, 0.05f, 0.2f]];
        float[][] s = [[1, 0, 0], [0, 2, 0], [0, 0, 3], [1, 1, 1]];
        using var probs = tensor(p.SelectMany(r => r).ToArray(), [2, 4]);
        using var desc = tensor(s.SelectMany(r => r).ToArray(), [4, 3]);
        using var f = ConSEModel.Combine(probs, desc, top: 2);
        var got = f.data<float>().ToArray();

        // Image 0: top 2 are classes 1 (0.5) and 2 (0.3): (0.5·s1 + 0.3·s2) / 0.8.
        // Image 1: classes 0 (0.7) and 3 (0.2): (0.7·s0 + 0.2·s3) / 0.9.
        float[] e0 = [0, 0.5f * 2 / 0.8f, 0.3f * 3 / 0.8f];
        float[] e1 = [(0.7f + 0.2f) / 0.9f, 0.2f / 0.9f, 0.2f / 0.9f];
        var expected = e0.Concat(e1).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], got[i], 5);
    }

    [Fact]
    public void With_T_equal_to_one_the_embedding_is_the_top_class_description()
    {
        using var probs = tensor(new float[] { 0.2f, 0.8f }, [1, 2]);
        using var desc = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var f = ConSEModel.Combine(probs, desc, top: 1);
        Assert.Equal(new float[] { 3, 4 }, f.data<float>().ToArray());
    }
}
