namespace TransferSharp.Tests;

/// <summary>TorchSharp's RNG and thread settings are process-wide: tests that touch them run one at a time.</summary>
[CollectionDefinition("Sequential", DisableParallelization = true)]
public sealed class SequentialCollection;
