using TransferSharp.Modules;

namespace TransferSharp.Tests.Modules;

[Collection("Sequential")]
public sealed class DomainDiscriminatorTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Maps_features_to_one_logit_each(int layers, bool batchNorm)
    {
        using var scope = NewDisposeScope();
        using var d = new DomainDiscriminator(12, 16, layers, batchNorm, dropout: 0.1);
        Assert.Equal(new long[] { 9, 1 }, d.call(randn(9, 12)).shape);
        Assert.Contains(d.named_parameters(), p => p.name.EndsWith("out.weight", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_sizes_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new DomainDiscriminator(0, 10));
        Assert.Contains("in 0", e.Message);
    }
}
