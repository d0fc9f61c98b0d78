namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// The survival function of the one-sample two-sided Kolmogorov statistic D_n, Pr(D_n &gt; x), as scipy's
/// <c>kstwo.sf</c> computes it: the algorithm is chosen by (n, x) following Simard and L'Ecuyer (2011) — Ruben–Gambino
/// closed forms at the ends, the Durbin matrix (Marsaglia–Tsang–Wang), the Pomeranz recursion, Pelz–Good's
/// asymptotic series, and twice the one-sided Smirnov tail (Birnbaum–Tingey sum) for small probabilities.
/// </summary>
internal static class KolmogorovDistribution
{
    private const double LogTwoPi = 1.8378770664093454836;
    private const double SqrtTwoPi = 2.5066282746310005024;
    private const double MinLog = -708;

    // Stirling series coefficients for log(n!/n^n), highest power first (scipy's _STIRLING_COEFFS).
    private static readonly double[] StirlingCoefficients =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>Pr(D_n &gt; x) for n ≥ 1.</summary>
    public static double Survival(int n, double x)
    {
        if (double.IsNaN(x) || n <= 0)
        {
            return double.NaN;
        }
        if (x >= 1.0)
        {
            return 0.0;
        }
        if (x <= 0.0)
        {
            return 1.0;
        }
        var t = n * x;
        if (t <= 1.0)
        {
            if (t <= 0.5)
            {
                return 1.0;
            }
            double cdf;
            if (n <= 140)
            {
                cdf = 1.0;
                for (var i = 1; i <= n; i++)
                {
                    cdf *= i * (1.0 / n) * (2 * t - 1);
                }
            }
            else
            {
                cdf = Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2 * t - 1));
            }
            return Clip(1.0 - cdf);
        }
        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1.0 - x, n));
        }
        if (x >= 0.5)
        {
            return Clip(2 * Smirnov(n, x));
        }
        var nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                return Clip(1.0 - Clip(DurbinCdf(n, x)));
            }
            if (nxSquared <= 4)
            {
                return Clip(1.0 - Clip(PomeranzCdf(n, x)));
            }
            return Clip(2 * Smirnov(n, x));
        }
        if (nxSquared >= 370.0)
        {
            return 0.0;
        }
        if (nxSquared >= 2.2)
        {
            return Clip(2 * Smirnov(n, x));
        }
        double cdfProbability;
        if (nxSquared >= 18.0)
        {
            cdfProbability = 1.0;
        }
        else if (n <= 100000 && n * Math.Pow(x, 1.5) <= 1.4)
        {
            cdfProbability = Clip(DurbinCdf(n, x));
        }
        else
        {
            cdfProbability = PelzGoodCdf(n, x);
        }
        return Clip(1.0 - cdfProbability);
    }

    /// <summary>
    /// The one-sided Smirnov tail Pr(D+_n ≥ x) by the Birnbaum–Tingey sum, each term taken in logarithms so that the
    /// binomial coefficients cannot overflow (scipy's <c>smirnov</c>, which uses double-double arithmetic instead).
    /// </summary>
    public static double Smirnov(int n, double x)
    {
        if (!(n > 0 && x >= 0.0 && x <= 1.0))
        {
            return double.NaN;
        }
        if (n == 1)
        {
            return 1 - x;
        }
        if (x == 0.0)
        {
            return 1.0;
        }
        if (x == 1.0)
        {
            return 0.0;
        }
        var nx = n * x;
        var nxFloor = Math.Floor(nx);
        var alpha = nx - nxFloor;
        if (nxFloor == 0 || (nxFloor == 1 && alpha == 0))
        {
            return Clip(1 - x * Math.Pow(1 + x, n - 1));
        }
        if (-2 * n * x * x < -708.3964185322641)
        {
            return 0.0;
        }
        if (nxFloor >= n - 1)
        {
            return Clip(Math.Pow(1 - x, n));
        }
        if (n > 1_000_000)
        {
            // Too many terms: scipy switches to the approximation p ~ exp(-(6nx+1)^2 / 18n).
            var logp = -Math.Pow(6.0 * n * x + 1, 2) / 18.0 / n;
            return logp < -Math.Log(2) ? Math.Exp(logp) : 1 - -double.ExpM1(logp);
        }
        // Terms v with x + v/n < 1: the (1 - x - v/n)^(n - v) factor is zero beyond.
        var lastTerm = n - (int)nxFloor - 1;
        var logBinomial = 0.0;
        var sum = 0.0;
        var compensation = 0.0;
        for (var v = 0; v <= lastTerm; v++)
        {
            var low = x + (double)v / n;
            var logTerm = logBinomial + (v - 1) * Math.Log(low) + (n - v) * Math.Log(1.0 - low);
            if (logTerm > -745)
            {
                // Neumaier summation keeps the many small terms from being lost.
                var term = Math.Exp(logTerm);
                var next = sum + term;
                compensation += Math.Abs(sum) >= term ? (sum - next) + term : (term - next) + sum;
                sum = next;
            }
            logBinomial += Math.Log((double)(n - v) / (v + 1));
        }
        return Clip(x * (sum + compensation));
    }

    private static double LogFactorialOverPower(int n)
    {
        var rn = 1.0 / n;
        var polynomial = 0.0;
        foreach (var coefficient in StirlingCoefficients)
        {
            polynomial = polynomial * (rn / n) + coefficient;
        }
        return Math.Log(n) / 2 - n + LogTwoPi / 2 + rn * polynomial;
    }

    private static double Clip(double p) => double.IsNaN(p) ? p : Math.Clamp(p, 0.0, 1.0);

    /// <summary>Pr(D_n ≤ d) by the Durbin matrix, powered by repeated squaring with a separate binary exponent.</summary>
    internal static double DurbinCdf(int n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }
        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }
        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = 2 * k - 1;
        var v = new double[m];
        var w = new double[m];
        var factorial = 1.0;
        for (var j = 1; j <= m; j++)
        {
            v[j - 1] = 1.0 - Math.Pow(h, j);
            w[j - 1] = factorial;
            factorial /= j;
            v[j - 1] *= factorial;
        }
        var tt = Math.Pow(Math.Max(2 * h - 1.0, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1.0 + tt) * factorial;
        var matrix = new double[m * m];
        for (var i = 1; i < m; i++)
        {
            for (var row = i - 1; row < m; row++)
            {
                matrix[row * m + i] = w[row - i + 1];
            }
        }
        for (var row = 0; row < m; row++)
        {
            matrix[row * m] = v[row];
        }
        for (var column = 0; column < m; column++)
        {
            matrix[(m - 1) * m + column] = v[m - 1 - column];
        }

        var power = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            power[i * m + i] = 1.0;
        }
        var scratch = new double[m * m];
        var exponent = 0;
        var matrixExponent = 0;
        for (var remaining = n; remaining > 0; remaining /= 2)
        {
            if (remaining % 2 == 1)
            {
                Multiply(power, matrix, scratch, m);
                (power, scratch) = (scratch, power);
                exponent += matrixExponent;
            }
            Multiply(matrix, matrix, scratch, m);
            (matrix, scratch) = (scratch, matrix);
            matrixExponent *= 2;
            if (Math.Abs(matrix[(k - 1) * m + k - 1]) > Scale)
            {
                for (var i = 0; i < matrix.Length; i++)
                {
                    matrix[i] /= Scale;
                }
                matrixExponent += ScaleExponent;
            }
        }
        var p = power[(k - 1) * m + k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < InverseScale)
            {
                p *= Scale;
                exponent -= ScaleExponent;
            }
        }
        return exponent != 0 ? Math.ScaleB(p, exponent) : p;
    }

    private const int ScaleExponent = 128;
    private static readonly double Scale = Math.ScaleB(1.0, ScaleExponent);
    private static readonly double InverseScale = Math.ScaleB(1.0, -ScaleExponent);

    private static void Multiply(double[] a, double[] b, double[] result, int m)
    {
        Array.Clear(result);
        for (var i = 0; i < m; i++)
        {
            for (var l = 0; l < m; l++)
            {
                var ail = a[i * m + l];
                if (ail == 0)
                {
                    continue;
                }
                for (var j = 0; j < m; j++)
                {
                    result[i * m + j] += ail * b[l * m + j];
                }
            }
        }
    }

    /// <summary>Pr(D_n ≤ x) by Pomeranz's recursion (1974), as scipy's <c>_kolmogn_Pomeranz</c>.</summary>
    internal static double PomeranzCdf(int n, double x)
    {
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1.0 - f);
        var ceilF = f > 0 ? 1 : 0;
        var roundF = f > 0.5 ? 1 : 0;
        var powers = 2 * (ll + 1);
        var gPower = new double[powers];
        var twoGPower = new double[powers];
        var oneMinusTwoGPower = new double[powers];
        gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1.0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - 2 * g) / n;
        for (var m = 1; m < powers; m++)
        {
            gPower[m] = gPower[m - 1] * gOverN / m;
            twoGPower[m] = twoGPower[m - 1] * twoGOverN / m;
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / m;
        }
        var v0 = new double[powers];
        var v1 = new double[powers];
        v1[0] = 1;
        int v0Start = 0, v1Start = 0;
        var exponent = 0;
        var (j1, j2) = PomeranzInterval(0, n, ll, ceilF, roundF);
        for (var i = 1; i < 2 * n + 2; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0Start, v1Start) = (v1Start, v0Start);
            Array.Clear(v1);
            (j1, j2) = PomeranzInterval(i, n, ll, ceilF, roundF);
            var weights = i == 1 || i == 2 * n + 1 ? gPower : i % 2 == 1 ? twoGPower : oneMinusTwoGPower;
            var length = j2 - k1 + 1;
            if (length <= 0)
            {
                continue;
            }
            var offset = k1 - v0Start;
            var aLength = Math.Min(length, powers - offset);
            var bLength = Math.Min(length, powers);
            var convStart = j1 - k1;
            var convLength = j2 - j1 + 1;
            var max = 0.0;
            for (var c = 0; c < convLength; c++)
            {
                var index = convStart + c;
                var sum = 0.0;
                var from = Math.Max(0, index - (bLength - 1));
                var to = Math.Min(index, aLength - 1);
                for (var a = from; a <= to; a++)
                {
                    sum += v0[offset + a] * weights[index - a];
                }
                v1[c] = sum;
                max = Math.Max(max, sum);
            }
            if (max > 0 && max < InverseScale)
            {
                for (var c = 0; c < v1.Length; c++)
                {
                    v1[c] *= Scale;
                }
                exponent -= ScaleExponent;
            }
            v1Start = v0Start + j1 - k1;
        }
        var answer = v1[n - v1Start];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(answer) > Scale)
            {
                answer *= InverseScale;
                exponent += ScaleExponent;
            }
            answer *= m;
        }
        return exponent != 0 ? Math.ScaleB(answer, exponent) : answer;
    }

    private static (int First, int Last) PomeranzInterval(int i, int n, int ll, int ceilF, int roundF)
    {
        int j1, j2;
        if (i == 0)
        {
            (j1, j2) = (-ll - ceilF - 1, ll + ceilF - 1);
        }
        else
        {
            var half = (i + 1) / 2;
            if ((i + 1) % 2 == 0)
            {
                (j1, j2) = half == n + 1
                    ? (n - ll - ceilF - 1, n + ll + ceilF - 1)
                    : (half - 1 - ll - roundF - 1, half + ll - 1 + ceilF - 1);
            }
            else
            {
                (j1, j2) = (half - 1 - ll - 1, half + ll + roundF - 1);
            }
        }
        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>Pelz and Good's (1976) series for Pr(D_n ≤ x), four terms in 1/√n, as scipy's <c>_kolmogn_PelzGood</c>.</summary>
    internal static double PelzGoodCdf(int n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }
        if (x >= 1.0)
        {
            return 1.0;
        }
        var z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        var qLog = -(Math.PI * Math.PI) / 8 / z2;
        if (qLog < MinLog)
        {
            return 0.0;
        }
        var q = Math.Exp(qLog);
        const double Pi2 = Math.PI * Math.PI;
        var pi4 = Math.Pow(Math.PI, 4);
        var pi6 = Math.Pow(Math.PI, 6);
        var k1a = -z2;
        var k1b = Pi2 / 4;
        var k2a = 6 * z6 + 2 * z4;
        var k2b = (2 * z4 - 5 * z2) * Pi2 / 4;
        var k2c = pi4 * (1 - 2 * z2) / 16;
        var k3d = pi6 * (5 - 30 * z2) / 64;
        var k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
        var k3b = Pi2 * (135 * z4 - 96 * z6) / 4;
        var k3a = -30 * z6 - 90 * Math.Pow(z, 8);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxK; k > 0; k--)
        {
            double m = 2 * k - 1;
            double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            var qPower = Math.Pow(q, 8 * k);
            s0 = s0 * qPower + 1.0;
            s1 = s1 * qPower + (k1a + k1b * m2);
            s2 = s2 * qPower + (k2a + k2b * m2 + k2c * m4);
            s3 = s3 * qPower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
        }
        s0 = s0 * q * SqrtTwoPi / z;
        s1 = s1 * q * SqrtTwoPi / (6 * z4);
        s2 = s2 * q * SqrtTwoPi / (72 * Math.Pow(z, 7));
        s3 = s3 * q * SqrtTwoPi / (6480 * Math.Pow(z, 10));
        var q2 = Math.Exp(-Pi2 / 2 / z2);
        var sqrt3z = Math.Sqrt(3) * z;
        double k2Extra = 0, k3Extra = 0;
        for (var k = maxK; k > 0; k--)
        {
            double k2 = (double)k * k;
            var qPower = Math.Pow(q2, k2);
            var kPi = Math.PI * k;
            k2Extra += k2 * qPower;
            k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qPower;
        }
        s2 += k2Extra * (Pi2 * SqrtTwoPi / (-36 * z3));
        s3 += k3Extra * (Pi2 * SqrtTwoPi / (216 * z6));
        var rootN = Math.Sqrt(n);
        return s0 + s1 / rootN + s2 / n + s3 / (n * rootN);
    }
}
