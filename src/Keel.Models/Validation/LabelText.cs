using System.Globalization;

namespace Keel.Models.Validation;

/// <summary>
/// One spelling per class, whatever wrote it: a CSV's <c>1</c>, <c>1.0</c> and <c>true</c> and a model's <c>true</c>
/// (bool) or <c>1</c> (long) are all <c>1</c>, so labels and predictions compare equal.
/// </summary>
internal static class LabelText
{
    public static string Of(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (bool.TryParse(trimmed, out var flag))
        {
            return flag ? "1" : "0";
        }
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? OfNumber(number) : trimmed;
    }

    public static string OfValue(object? value) => value switch
    {
        null => "",
        bool flag => flag ? "1" : "0",
        string text => Of(text),
        float real => OfNumber(real),
        double real => OfNumber(real),
        IConvertible other => OfNumber(other.ToDouble(CultureInfo.InvariantCulture)),
        _ => value.ToString() ?? "",
    };

    private static string OfNumber(double number) =>
        number == Math.Floor(number) && Math.Abs(number) < 1e15
            ? ((long)number).ToString(CultureInfo.InvariantCulture)
            : number.ToString("R", CultureInfo.InvariantCulture);
}
