using TorchSharp;
var x = torch.randn(3, 4);
System.Console.WriteLine(x.sum().item<float>());
System.Console.WriteLine(torch.get_num_threads());
