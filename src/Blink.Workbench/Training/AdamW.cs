using Blink.Workbench.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// TorchSharp's AdamW with its update rewritten (<see cref="TorchSharp.Modules.AdamW"/>), because TorchSharp 0.107's <c>AdamW.step</c> passes every number to
/// libtorch as a temporary Scalar (<c>add_(eps)</c>, <c>mul_(1 - lr·λ)</c>, …) that a garbage collection may free
/// during the call (see <see cref="TensorMath"/>; with a second thread collecting it failed within 300 steps).
/// The same operations in the same order with the same values, each Scalar held until its call returns; parameter
/// groups, options, state and <c>save_state_dict</c>/<c>load_state_dict</c> stay TorchSharp's, so checkpoints of either
/// load in the other: the class is named AdamW because TorchSharp's state file records the optimizer's type name and
/// refuses another. <c>tests/…/Training/AdamWTests</c> compares both bit for bit.
/// </summary>
public sealed class AdamW : TorchSharp.Modules.AdamW
{
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var beta1 = options.beta1!.Value;
        var beta2 = options.beta2!.Value;
        var weightDecay = options.weight_decay!.Value;
        var amsgrad = options.amsgrad!.Value;
        var maximize = options.maximize!.Value;
        var eps = options.eps!.Value;
        var lr = options.LearningRate!.Value;
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            if (maximize) grad = -grad;
            state.step += 1;
            param.TimesInPlace(1 - lr * weightDecay);
            var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.TimesInPlace(beta1).PlusInPlace(grad, 1 - beta1);
            state.exp_avg_sq.TimesInPlace(beta2).PlusProductInPlace(grad, grad, 1 - beta2);
            Tensor denominator;
            if (amsgrad)
            {
                var previous = state.max_exp_avg_sq;
                state.max_exp_avg_sq = torch.maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                previous.Dispose();
                denominator = state.max_exp_avg_sq.sqrt().DividedBy(Math.Sqrt(biasCorrection2)).PlusInPlace(eps);
            }
            else
            {
                denominator = state.exp_avg_sq.sqrt().DividedBy(Math.Sqrt(biasCorrection2)).PlusInPlace(eps);
            }
            param.PlusQuotientInPlace(state.exp_avg, denominator, -(lr / biasCorrection1));
        }
    }, closure);
}
