using TransferSharp.Losses;

namespace TransferSharp.Tests.Losses;

[Collection("Sequential")]
public sealed class DistillationTests
{
    [Fact]
    public void Loss_is_zero_when_outputs_match()
    {
        using var logits = tensor(new float[] { 1, 2, 3, -1, 0, 4 }, [2, 3]);
        Assert.Equal(0f, Distillation.Loss(logits, logits.clone(), 2).item<float>(), 6);
        // Softmax ignores a constant shift per row, so shifted logits match too.
        Assert.Equal(0f, Distillation.Loss(logits + 5, logits, 2).item<float>(), 5);
    }

    [Fact]
    public void Loss_is_the_scaled_kl_divergence_of_softened_outputs()
    {
        float[] student = [0, 1], teacher = [2, 0];
        double t = 2;
        double[] Soft(float[] z)
        {
            var e = z.Select(v => Math.Exp(v / t)).ToArray();
            return e.Select(v => v / e.Sum()).ToArray();
        }
        var p = Soft(teacher);
        var q = Soft(student);
        double expected = t * t * (p[0] * Math.Log(p[0] / q[0]) + p[1] * Math.Log(p[1] / q[1]));
        using var s = tensor(student, [1, 2]);
        using var r = tensor(teacher, [1, 2]);
        Assert.Equal(expected, Distillation.Loss(s, r, t).item<float>(), 5);
    }

    [Fact]
    public void Only_the_student_gets_a_gradient()
    {
        using var s = tensor(new float[] { 0, 1 }, [1, 2]).requires_grad_();
        using var r = tensor(new float[] { 2, 0 }, [1, 2]).requires_grad_();
        Distillation.Loss(s, r).backward();
        Assert.NotNull(s.grad);
        Assert.Null(r.grad);
    }
}
