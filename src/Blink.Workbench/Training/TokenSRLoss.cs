using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>What "student matches teacher" means per token.</summary>
public enum TokenSRLossKind
{
    /// <summary>KL(softmax(teacher/T) ‖ softmax(student/T)) over channels, × T² (the paper's KL; paper-notes §4.3).</summary>
    KL,
    /// <summary>1 − cosine similarity over channels.</summary>
    Cosine,
    /// <summary>Mean squared error over channels.</summary>
    Mse,
}

/// <summary>Per-token distillation losses on [B, D, H, W] feature maps (channels = the hidden dimension), averaged over tokens.</summary>
public static class TokenSRLoss
{
    public static TokenSRLossKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "kl" => TokenSRLossKind.KL,
        "cosine" or "cos" => TokenSRLossKind.Cosine,
        "mse" or "l2" => TokenSRLossKind.Mse,
        _ => throw new ArgumentException($"Unknown TokenSR loss '{name}'; expected kl, cosine or mse."),
    };

    /// <summary>Scalar loss: the mean over the B·H·W tokens.</summary>
    public static Tensor Compute(Tensor student, Tensor teacher, TokenSRLossKind kind, double temperature = 1.0)
    {
        if (!student.shape.SequenceEqual(teacher.shape))
            throw new ArgumentException($"Student [{string.Join(", ", student.shape)}] and teacher [{string.Join(", ", teacher.shape)}] differ in shape.");
        using var scope = NewDisposeScope();
        Tensor perToken;
        switch (kind)
        {
            case TokenSRLossKind.KL:
            {
                if (!(temperature > 0)) throw new ArgumentException($"The KL temperature must be positive, got {temperature}.");
                var logQ = nn.functional.log_softmax(student.DividedBy(temperature), 1);
                var logP = nn.functional.log_softmax(teacher.DividedBy(temperature), 1);
                // × T² keeps gradient magnitudes comparable across temperatures (Hinton et al.); T = 1 is plain KL.
                perToken = (logP.exp() * (logP - logQ)).sum(1).Times(temperature * temperature);
                break;
            }
            case TokenSRLossKind.Cosine:
                perToken = nn.functional.cosine_similarity(student, teacher, 1, 1e-8).OneMinus();
                break;
            case TokenSRLossKind.Mse:
                perToken = student.Minus(teacher).Squared().mean([1L]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        return perToken.mean().MoveToOuterDisposeScope();
    }
}
