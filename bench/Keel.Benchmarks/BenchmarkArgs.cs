using System.Globalization;

namespace Keel.Benchmarks;

/// <summary>A whole-number option, <c>--name value</c> or <c>--name=value</c>, with its allowed range.</summary>
internal sealed record IntOption(string Name, int Default, int Min, int Max, string Help);

internal sealed class UsageException(string message) : Exception(message);

/// <summary>The parsed options of one benchmark; every option has a value (its default when not given).</summary>
internal sealed class BenchmarkArgs
{
    private readonly Dictionary<string, int> _values;

    private BenchmarkArgs(Dictionary<string, int> values) => _values = values;

    public int this[string name] => _values[name];

    public static BenchmarkArgs Parse(ReadOnlySpan<string> args, IReadOnlyList<IntOption> options)
    {
        var values = options.ToDictionary(o => o.Name, o => o.Default, StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            var option = options.FirstOrDefault(o => o.Name == name) ?? throw new UsageException($"unknown option '--{name}'");
            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option '--{name}' needs a value");
            }
            if (!int.TryParse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number))
            {
                throw new UsageException($"option '--{name}' expects a whole number, got '{value}'");
            }
            if (number < option.Min || number > option.Max)
            {
                throw new UsageException($"option '--{name}' must be between {option.Min} and {option.Max}, got {number}");
            }
            values[name] = number;
        }
        return new BenchmarkArgs(values);
    }
}
