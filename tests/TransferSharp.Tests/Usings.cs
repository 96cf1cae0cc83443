global using TorchSharp;
global using static TorchSharp.torch;
global using Tensor = TorchSharp.torch.Tensor;
global using static TorchSharp.torch.nn;
