namespace Blink.Workbench.Evaluation;

/// <summary>
/// The few special functions the statistics need (log-gamma, regularized incomplete gamma and beta) and the
/// distribution functions built on them. Written out here because the project may not take a numerics package;
/// accuracy is ~1e-12 relative, far beyond what a p-value or a confidence bound needs.
/// </summary>
public static class SpecialFunctions
{
    private const double Epsilon = 1e-15;
    private const int MaxIterations = 10_000;

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 terms).</summary>
    public static double LogGamma(double x)
    {
        if (x <= 0)
            throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma needs x > 0");
        if (x < 0.5) // reflection keeps the series in its accurate range
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7,
        ];
        x -= 1;
        double a = c[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++)
            a += c[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>Regularized lower incomplete gamma P(a, x).</summary>
    public static double GammaP(double a, double x)
    {
        if (x < 0 || a <= 0)
            throw new ArgumentOutOfRangeException(nameof(x), $"GammaP needs a > 0 and x >= 0 (a={a}, x={x})");
        if (x == 0)
            return 0;
        return x < a + 1 ? GammaSeries(a, x) : 1 - GammaContinuedFraction(a, x);
    }

    /// <summary>Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed without cancellation.</summary>
    public static double GammaQ(double a, double x)
    {
        if (x < 0 || a <= 0)
            throw new ArgumentOutOfRangeException(nameof(x), $"GammaQ needs a > 0 and x >= 0 (a={a}, x={x})");
        if (x == 0)
            return 1;
        return x < a + 1 ? 1 - GammaSeries(a, x) : GammaContinuedFraction(a, x);
    }

    /// <summary>Regularized incomplete beta I_x(a, b).</summary>
    public static double BetaRegularized(double x, double a, double b)
    {
        if (x <= 0)
            return 0;
        if (x >= 1)
            return 1;
        double logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        double front = Math.Exp(logFront);
        // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(x, a, b) / a
            : 1 - front * BetaContinuedFraction(1 - x, b, a) / b;
    }

    /// <summary>Complementary error function.</summary>
    public static double Erfc(double z) => z >= 0 ? GammaQ(0.5, z * z) : 1 + GammaP(0.5, z * z);

    /// <summary>Standard normal CDF Φ(x).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>Standard normal quantile Φ⁻¹(p).</summary>
    public static double NormalQuantile(double p) => InvertIncreasing(NormalCdf, p, -40, 40, nameof(NormalQuantile));

    /// <summary>Survival function of the χ² distribution, P(X ≥ x).</summary>
    public static double ChiSquaredSurvival(double x, double degreesOfFreedom) =>
        x <= 0 ? 1 : GammaQ(degreesOfFreedom / 2, x / 2);

    /// <summary>CDF of Student's t with <paramref name="degreesOfFreedom"/> degrees of freedom.</summary>
    public static double StudentTCdf(double t, double degreesOfFreedom)
    {
        double tail = 0.5 * BetaRegularized(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>Quantile of Student's t.</summary>
    public static double StudentTQuantile(double p, double degreesOfFreedom) =>
        InvertIncreasing(t => StudentTCdf(t, degreesOfFreedom), p, -1e7, 1e7, nameof(StudentTQuantile));

    /// <summary>Quantile of the Beta(a, b) distribution.</summary>
    public static double BetaQuantile(double p, double a, double b) =>
        InvertIncreasing(x => BetaRegularized(x, a, b), p, 0, 1, nameof(BetaQuantile));

    /// <summary>P(X ≤ k) for X ~ Binomial(n, p), summed exactly in log space.</summary>
    public static double BinomialCdf(int k, int n, double p)
    {
        if (k < 0)
            return 0;
        if (k >= n)
            return 1;
        double sum = 0;
        for (int i = 0; i <= k; i++)
            sum += Math.Exp(LogChoose(n, i) + i * Math.Log(p) + (n - i) * Math.Log(1 - p));
        return Math.Min(1, sum);
    }

    /// <summary>ln C(n, k).</summary>
    public static double LogChoose(int n, int k) => LogGamma(n + 1) - LogGamma(k + 1) - LogGamma(n - k + 1);

    private static double GammaSeries(double a, double x)
    {
        double ap = a, sum = 1 / a, del = sum;
        for (int n = 0; n < MaxIterations; n++)
        {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (Math.Abs(del) < Math.Abs(sum) * Epsilon)
                break;
        }
        return sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a));
    }

    private static double GammaContinuedFraction(double a, double x)
    {
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < MaxIterations; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < Epsilon)
                break;
        }
        return Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h;
    }

    private static double BetaContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m < MaxIterations; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < Epsilon)
                break;
        }
        return h;
    }

    /// <summary>Bisection on a monotone increasing CDF; robust, and 200 halvings reach double precision.</summary>
    private static double InvertIncreasing(Func<double, double> cdf, double p, double lo, double hi, string name)
    {
        if (!(p > 0 && p < 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"{name} needs 0 < p < 1");
        for (int i = 0; i < 200 && hi - lo > 1e-15 * Math.Max(1, Math.Abs(lo) + Math.Abs(hi)); i++)
        {
            double mid = 0.5 * (lo + hi);
            if (cdf(mid) < p) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
