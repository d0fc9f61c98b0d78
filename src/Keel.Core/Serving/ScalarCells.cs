using System.Text.Json;
using Keel.Core.Models;

namespace Keel.Core.Serving;

// One scalar JSON token stored into a typed column array, by the rules of JsonCells.TryRead (which reads a parsed
// document): an integer takes 1 or 1.0 but not 1.5, a float takes null and "NaN"/"Infinity"/"-Infinity", a boolean
// never becomes a number. False when the token does not convert.
internal static class ScalarCells
{
    public static bool TryStore(ref Utf8JsonReader reader, DataType type, Array values, int index)
    {
        switch (type)
        {
            case DataType.Boolean when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                ((bool[])values)[index] = reader.TokenType == JsonTokenType.True;
                return true;
            case DataType.Int32 when TryInteger(ref reader, int.MinValue, int.MaxValue, out var value):
                ((int[])values)[index] = (int)value;
                return true;
            case DataType.Int64 when TryInteger(ref reader, long.MinValue, long.MaxValue, out var value):
                ((long[])values)[index] = value;
                return true;
            case DataType.Float32 when TryFloat(ref reader, out var value) && (float.IsFinite((float)value) || !double.IsFinite(value)):
                ((float[])values)[index] = (float)value;
                return true;
            case DataType.Float64 when TryFloat(ref reader, out var value):
                ((double[])values)[index] = value;
                return true;
            case DataType.String when reader.TokenType == JsonTokenType.String:
                ((string[])values)[index] = reader.GetString()!;
                return true;
            default:
                return false;
        }
    }

    private static bool TryInteger(ref Utf8JsonReader reader, long min, long max, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        if (reader.TryGetInt64(out value))
        {
            return value >= min && value <= max;
        }

        if (reader.TryGetDouble(out var d) && d == Math.Floor(d) && d >= min && d < -(double)long.MinValue && d <= max)
        {
            value = (long)d;
            return true;
        }

        return false;
    }

    private static bool TryFloat(ref Utf8JsonReader reader, out double value)
    {
        value = double.NaN;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.Number:
                return reader.TryGetDouble(out value) && double.IsFinite(value);
            case JsonTokenType.String when reader.ValueTextEquals("NaN"u8):
                return true;
            case JsonTokenType.String when reader.ValueTextEquals("Infinity"u8):
                value = double.PositiveInfinity;
                return true;
            case JsonTokenType.String when reader.ValueTextEquals("-Infinity"u8):
                value = double.NegativeInfinity;
                return true;
            default:
                return false;
        }
    }
}
