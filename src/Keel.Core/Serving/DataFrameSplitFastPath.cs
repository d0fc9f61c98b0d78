using System.Text.Json;
using Keel.Core.Models;

namespace Keel.Core.Serving;

// The request MLflow's clients send most (pandas' split orientation of scalar columns), read in one pass of a
// Utf8JsonReader straight into typed arrays: no document, no boxed cells. It accepts only a body the general reader
// would read to the same batch; anything else (another input field, a tensor input, a missing or repeated column,
// a cell of the wrong kind, no rows, malformed JSON) returns false, and the general reader words the error.
internal static class DataFrameSplitFastPath
{
    public static bool TryRead(ReadOnlySpan<byte> body, IReadOnlyList<ColumnSchema> inputs, out ScoringRequest? request)
    {
        request = null;
        foreach (var input in inputs)
        {
            if (input.RowShape.Count > 0)
            {
                return false;
            }
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            DataBatch? batch = null;
            JsonElement? parameters = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (batch is null && reader.ValueTextEquals("dataframe_split"u8))
                {
                    reader.Read();
                    batch = ReadSplit(ref reader, inputs);
                    if (batch is null)
                    {
                        return false;
                    }
                }
                else if (parameters is null && reader.ValueTextEquals("params"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return false;
                    }

                    // ParseValue copies the value out of the body, as the general reader's Clone does.
                    parameters = JsonElement.ParseValue(ref reader);
                }
                else
                {
                    return false;
                }
            }

            // The general reader parses the whole body; trailing bytes after the object must fail here too.
            if (batch is null || reader.Read())
            {
                return false;
            }

            request = new ScoringRequest(batch, parameters);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return false;
        }
    }

    // Null when the split object is anything but columns (strings, before data) and rows of scalars.
    private static DataBatch? ReadSplit(ref Utf8JsonReader reader, IReadOnlyList<ColumnSchema> inputs)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        int[]? slots = null;
        var width = 0;
        DataBatch? batch = null;
        var sawColumns = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!sawColumns && reader.ValueTextEquals("columns"u8))
            {
                sawColumns = true;
                reader.Read();
                (slots, width) = ReadColumns(ref reader, inputs);
                if (slots is null)
                {
                    return null;
                }
            }
            else if (batch is null && slots is not null && reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                batch = ReadRows(ref reader, inputs, slots, width);
                if (batch is null)
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("index"u8))
            {
                // Rows are scored in the order given, as the general reader does.
                reader.Read();
                reader.Skip();
            }
            else
            {
                return null;
            }
        }

        return batch;
    }

    // For each position of 'columns', the input it feeds (-1: ignored); null unless every input is named exactly once.
    private static (int[]? Slots, int Width) ReadColumns(ref Utf8JsonReader reader, IReadOnlyList<ColumnSchema> inputs)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return (null, 0);
        }

        Span<bool> found = inputs.Count <= 64 ? stackalloc bool[inputs.Count] : new bool[inputs.Count];
        var slots = new List<int>(inputs.Count);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return (null, 0);
            }

            var slot = -1;
            for (var i = 0; i < inputs.Count; i++)
            {
                if (reader.ValueTextEquals(inputs[i].Name))
                {
                    if (found[i])
                    {
                        return (null, 0);
                    }

                    found[i] = true;
                    slot = i;
                    break;
                }
            }

            slots.Add(slot);
        }

        foreach (var present in found)
        {
            if (!present)
            {
                return (null, 0);
            }
        }

        return ([.. slots], slots.Count);
    }

    private static DataBatch? ReadRows(ref Utf8JsonReader reader, IReadOnlyList<ColumnSchema> inputs, int[] slots, int width)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        // Count the rows on a copy of the reader first, so every column is allocated once at its exact length.
        var counter = reader;
        var rows = 0;
        while (counter.Read() && counter.TokenType != JsonTokenType.EndArray)
        {
            counter.Skip();
            rows++;
        }

        if (rows == 0)
        {
            return null;
        }

        var values = new Array[inputs.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Array.CreateInstance(DataTypes.ElementType(inputs[i].Type), rows);
        }

        for (var row = 0; row < rows; row++)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }

            var position = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (position >= width)
                {
                    return null;
                }

                var slot = slots[position++];
                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                {
                    return null;
                }

                if (slot >= 0 && !ScalarCells.TryStore(ref reader, inputs[slot].Type, values[slot], row))
                {
                    return null;
                }
            }

            if (position != width)
            {
                return null;
            }
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            return null;
        }

        var columns = new DataColumn[inputs.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new DataColumn(inputs[i].Name, inputs[i].Type, values[i]);
        }

        return new DataBatch(columns);
    }
}
