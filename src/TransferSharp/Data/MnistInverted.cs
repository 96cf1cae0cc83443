namespace TransferSharp.Data;

/// <summary>
/// The embedded MNIST digits with every pixel inverted, <c>1 − x</c>: dark digits on a white ground. Same labels and
/// order as <c>mnist</c>, so a pair split at the same indices never shows a held-out digit in either domain. A domain
/// shift with no new content, which a network trained on white-on-black digits does not survive (its first layer's
/// responses change sign).
/// </summary>
internal static class MnistInverted
{
    public static Dataset Create()
    {
        using var mnist = BuiltIn.Load("mnist");
        using var scope = NewDisposeScope();
        return new Dataset("mnist-inverted", (1 - mnist.Inputs).contiguous(), mnist.Labels!.clone(), mnist.ClassNames,
            $"{mnist.Provenance}, inverted (1 - x)");
    }
}
