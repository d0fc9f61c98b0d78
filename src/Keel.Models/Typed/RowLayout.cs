using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Keel.Core.Common;
using Keel.Core.Models;
using Microsoft.ML.Data;

namespace Keel.Models.Typed;

/// <summary>
/// The public properties and fields of a row class that map to columns, with compiled accessors; built once per
/// type. <c>[ColumnName]</c> renames a member's column, <c>[VectorType(n)]</c> fixes an array's row shape,
/// <c>[NoColumn]</c> leaves a member out.
/// </summary>
internal sealed class RowLayout
{
    private static readonly ConcurrentDictionary<Type, RowLayout> Cache = new();

    private RowLayout(Type type)
    {
        var members = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Cast<MemberInfo>()
            .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => m.GetCustomAttribute<NoColumnAttribute>() is null)
            .Select(m => RowMember.Create(type, m))
            .ToList();
        var duplicate = members.GroupBy(m => m.ColumnName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"{type.Name} maps {string.Join(" and ", duplicate.Select(m => m.MemberName))} to the same column '{duplicate.Key}'.");
        }

        Readable = [.. members.Where(m => m.CanRead)];
        Writable = [.. members.Where(m => m.CanWrite)];
    }

    public IReadOnlyList<RowMember> Readable { get; }

    public IReadOnlyList<RowMember> Writable { get; }

    public static RowLayout Of(Type type) => Cache.GetOrAdd(type, static t => new RowLayout(t));
}

/// <summary>One member of a row class and the column it maps to.</summary>
internal abstract class RowMember
{
    protected RowMember(Type owner, MemberInfo member, Type elementType, bool isArray)
    {
        MemberName = $"{owner.Name}.{member.Name}";
        ColumnName = ColumnNameOf(member) ?? member.Name;
        Type = DataTypes.Of(elementType);
        IsArray = isArray;
        var dims = VectorDimsOf(member);
        RowShape = isArray && dims is { Length: > 0 } && dims.All(d => d > 0) ? [.. dims] : null;
        CanRead = member is FieldInfo || (member is PropertyInfo p && p.GetMethod is { IsPublic: true });
        CanWrite = member is FieldInfo { IsInitOnly: false, IsLiteral: false }
            || (member is PropertyInfo q && q.SetMethod is { IsPublic: true });
    }

    /// <summary><c>Owner.Member</c>, as error messages name it.</summary>
    public string MemberName { get; }

    public string ColumnName { get; }

    public DataType Type { get; }

    public bool IsArray { get; }

    /// <summary>The row shape <c>[VectorType]</c> declares for an array member; null when it declares none.</summary>
    public IReadOnlyList<int>? RowShape { get; }

    public bool CanRead { get; }

    public bool CanWrite { get; }

    public string Describe() => IsArray ? $"{Type}[]" : Type.ToString();

    public abstract DataColumn Read(IReadOnlyList<object> rows);

    public abstract void Write(IReadOnlyList<object> rows, DataColumn column);

    /// <summary>Whether a column of <paramref name="type"/> can fill this member; a scalar needs one value per row.</summary>
    public bool Accepts(DataType type, int rowLength) => type == Type && (IsArray || rowLength == 1);

    public static RowMember Create(Type owner, MemberInfo member)
    {
        var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
        var elementType = memberType.IsArray && memberType.GetArrayRank() == 1 ? memberType.GetElementType()! : memberType;
        if (!IsDataType(elementType))
        {
            throw new InvalidOperationException(
                $"Member {owner.Name}.{member.Name} is a {memberType.Name}; a column member must be bool, int, long, float, double or string, or an array of one of them (mark other members [NoColumn]).");
        }

        var kind = memberType.IsArray ? typeof(ArrayMember<>) : typeof(ScalarMember<>);
        return (RowMember)Activator.CreateInstance(kind.MakeGenericType(elementType), owner, member)!;
    }

    // ColumnNameAttribute keeps its name internal; the constructor argument is the name.
    private static string? ColumnNameOf(MemberInfo member) =>
        member.GetCustomAttributesData()
            .FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute))?
            .ConstructorArguments[0].Value as string;

    // VectorTypeAttribute keeps its dimensions internal too: read them from [VectorType(n)] or [VectorType(a, b)].
    private static int[]? VectorDimsOf(MemberInfo member)
    {
        var arguments = member.GetCustomAttributesData()
            .FirstOrDefault(a => a.AttributeType == typeof(VectorTypeAttribute))?.ConstructorArguments;
        return arguments switch
        {
            [{ Value: int size }] => [size],
            [{ Value: IReadOnlyCollection<CustomAttributeTypedArgument> sizes }] => [.. sizes.Select(s => (int)s.Value!)],
            _ => null,
        };
    }

    private static bool IsDataType(Type type) =>
        type == typeof(bool) || type == typeof(int) || type == typeof(long)
        || type == typeof(float) || type == typeof(double) || type == typeof(string);

    protected static Func<object, TValue>? Getter<TValue>(Type owner, MemberInfo member, bool canRead)
    {
        if (!canRead)
        {
            return null;
        }

        var row = Expression.Parameter(typeof(object));
        var access = Expression.MakeMemberAccess(Expression.Convert(row, owner), member);
        return Expression.Lambda<Func<object, TValue>>(access, row).Compile();
    }

    protected static Action<object, TValue>? Setter<TValue>(Type owner, MemberInfo member, bool canWrite)
    {
        if (!canWrite)
        {
            return null;
        }

        var row = Expression.Parameter(typeof(object));
        var value = Expression.Parameter(typeof(TValue));
        var assign = Expression.Assign(Expression.MakeMemberAccess(Expression.Convert(row, owner), member), value);
        return Expression.Lambda<Action<object, TValue>>(assign, row, value).Compile();
    }

    private sealed class ScalarMember<T> : RowMember
    {
        private readonly Func<object, T>? _get;
        private readonly Action<object, T>? _set;

        public ScalarMember(Type owner, MemberInfo member)
            : base(owner, member, typeof(T), isArray: false)
        {
            _get = Getter<T>(owner, member, CanRead);
            _set = Setter<T>(owner, member, CanWrite);
        }

        public override DataColumn Read(IReadOnlyList<object> rows)
        {
            var values = new T[rows.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = _get!(rows[i]);
            }

            return new DataColumn(ColumnName, Type, values);
        }

        public override void Write(IReadOnlyList<object> rows, DataColumn column)
        {
            var values = column.As<T>();
            for (var i = 0; i < rows.Count; i++)
            {
                _set!(rows[i], values[i]);
            }
        }
    }

    private sealed class ArrayMember<T> : RowMember
    {
        private readonly Func<object, T[]?>? _get;
        private readonly Action<object, T[]>? _set;

        public ArrayMember(Type owner, MemberInfo member)
            : base(owner, member, typeof(T), isArray: true)
        {
            _get = Getter<T[]?>(owner, member, CanRead);
            _set = Setter<T[]>(owner, member, CanWrite);
        }

        public override DataColumn Read(IReadOnlyList<object> rows)
        {
            IReadOnlyList<int> shape;
            if (RowShape is not null)
            {
                shape = RowShape;
            }
            else if (rows.Count > 0)
            {
                shape = [(_get!(rows[0]) ?? []).Length];
            }
            else
            {
                throw KeelException.InvalidParameter(
                    $"Column '{ColumnName}' ({MemberName}) has no rows to tell its length from; give the member [VectorType(n)].");
            }

            var length = shape.Aggregate(1, (product, d) => product * d);
            if (length == 0)
            {
                throw KeelException.InvalidParameter($"Column '{ColumnName}' ({MemberName}) holds an empty array in row 0.");
            }

            var values = new T[rows.Count * length];
            for (var i = 0; i < rows.Count; i++)
            {
                var row = _get!(rows[i]);
                if (row is null || row.Length != length)
                {
                    throw KeelException.InvalidParameter(
                        $"Column '{ColumnName}' ({MemberName}) needs {length} values per row, but row {i} holds {(row is null ? "null" : row.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}.");
                }

                row.CopyTo(values, i * length);
            }

            return new DataColumn(ColumnName, Type, values, shape);
        }

        public override void Write(IReadOnlyList<object> rows, DataColumn column)
        {
            var values = column.As<T>();
            var length = column.RowLength;
            for (var i = 0; i < rows.Count; i++)
            {
                _set!(rows[i], values.AsSpan(i * length, length).ToArray());
            }
        }
    }
}
