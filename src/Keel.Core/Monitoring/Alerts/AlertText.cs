using System.Globalization;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Monitoring.Alerts;

// Alert messages are read by people and matched by nobody: invariant culture, short numbers, exact enough to
// tell a value from its threshold.
internal static class AlertText
{
    public static string Of(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string Number(double value) =>
        value == 0 || Math.Abs(value) >= 1e-4 || !double.IsFinite(value)
            ? value.ToString("0.######", CultureInfo.InvariantCulture)
            : value.ToString("0.###E+0", CultureInfo.InvariantCulture);

    public static string Share(double value) => value.ToString("0.00####", CultureInfo.InvariantCulture);

    public static string Method(DriftMethod method) =>
        method switch
        {
            DriftMethod.KolmogorovSmirnov => "KS",
            DriftMethod.ChiSquared => "chi-squared",
            DriftMethod.ZTest => "Z-test",
            DriftMethod.Wasserstein => "normed Wasserstein",
            DriftMethod.JensenShannon => "Jensen-Shannon",
            DriftMethod.Psi => "PSI",
            DriftMethod.KullbackLeibler => "K-L divergence",
            _ => method.ToString(),
        };
}
