using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Akka.Configuration;
using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Sandbox;

/// <summary>
/// The first line around shipped code, not the wall: before a session loads anything, <see cref="Check(IEnumerable{string})"/>
/// reads the metadata of every shipped assembly (never loading it) and reports each reference to a type or member the
/// policy forbids, and each native method (P/Invoke) or native library it ships when native calls are not allowed.
/// There are two policies, chosen by the executor's isolation (<c>akka-media.executor.isolation</c>):
/// <list type="bullet">
/// <item><description><c>in-process</c> (the default): shipped code runs in the executor's own process, so the check is
/// the only wall and is strict: <c>akka-media.executor.sandbox { forbidden, allowed, allow-native-calls }</c> forbid
/// processes, the file system, the environment, native code and raw memory, code generation and assembly loading,
/// reflection invocation, raw sockets and threads;</description></item>
/// <item><description><c>process</c>: shipped code runs in a sandboxed worker process that the operating system confines
/// (read-only root, only the package's files, no network, resource limits), so the check only refuses what that sandbox
/// cannot contain or what has no business in a media worker: <c>akka-media.executor.sandbox.process { forbidden,
/// allowed, allow-native-calls }</c>.</description></item>
/// </list>
/// <c>also-forbidden</c> and <c>also-allowed</c> add to both.
/// </summary>
/// <remarks>
/// <para>Rules, in <c>forbidden</c> and <c>allowed</c>:</para>
/// <list type="bullet">
/// <item><description><c>System.Net.Sockets.*</c>: every type of a namespace and of the namespaces below it;</description></item>
/// <item><description><c>System.Diagnostics.Process</c>: a type, its nested types and all their members;</description></item>
/// <item><description><c>System.IO.Path::GetTempPath</c>: one member by name, all overloads; a property or event by its
/// name covers its accessors (<c>System.Environment::NewLine</c> is <c>get_NewLine</c>); constructors are <c>.ctor</c>;
/// a trailing <c>*</c> matches a name prefix (<c>System.Reflection.Assembly::Load*</c>);</description></item>
/// <item><description><c>System.IO.StreamReader::.ctor(System.String, ...)</c>: only overloads whose parameter types
/// (full names, arrays as <c>System.Byte[]</c>) are exactly these, or start with them when the list ends in <c>...</c>.</description></item>
/// </list>
/// <para>A reference is refused when a <c>forbidden</c> rule matches it and no <c>allowed</c> rule does. The use of a type
/// itself (a field, local or <c>typeof</c> of it) is refused by a type or namespace rule unless some <c>allowed</c> rule
/// names that type. Reflection invocation is forbidden in-process because it reaches any member by name, past this check.</para>
/// <para>The in-process policy knows the process policy of the same configuration: each of its violations says whether
/// the process policy would allow it (<see cref="SandboxViolation.AllowedUnderProcessIsolation"/>), so a refusal can tell
/// the user that running the executor with <c>--isolation process</c> admits the code.</para>
/// <para>Limits: this is a check on references, not isolation. It does not see what forbidden members an allowed framework
/// method calls on the code's behalf, nor bound CPU time or memory; process-level isolation is the wall for those.
/// Immutable and thread-safe.</para>
/// </remarks>
internal sealed class SandboxPolicy
{
    /// <summary>The key that chooses the executor's isolation and with it the policy: <c>in-process</c> or <c>process</c>.</summary>
    public const string IsolationKey = "akka-media.executor.isolation";

    /// <summary>The value of <see cref="IsolationKey"/> that runs shipped code in the executor's own process (the default).</summary>
    public const string InProcessIsolation = "in-process";

    /// <summary>The value of <see cref="IsolationKey"/> that runs shipped code in sandboxed worker processes.</summary>
    public const string ProcessIsolation = "process";

    private const string Section = "akka-media.executor.sandbox";
    private const string ProcessSection = Section + ".process";
    /// <summary>The <see cref="SandboxViolation.Rule"/> of a native method or library refused because native calls are off.</summary>
    internal const string NativeRule = "allow-native-calls = off";

    /// <summary>The <see cref="SandboxViolation.Type"/> of a shipped native library refused as a whole.</summary>
    internal const string NativeLibraryType = "(native library)";

    private readonly ImmutableArray<Rule> _forbidden;
    private readonly ImmutableArray<Rule> _allowed;

    private SandboxPolicy(string isolation, string section, bool enabled, bool allowNativeCalls, ImmutableArray<Rule> forbidden, ImmutableArray<Rule> allowed, SandboxPolicy? underProcess)
    {
        Isolation = isolation;
        ConfigSection = section;
        Enabled = enabled;
        AllowNativeCalls = allowNativeCalls;
        _forbidden = forbidden;
        _allowed = allowed;
        UnderProcessIsolation = underProcess;
    }

    /// <summary>The isolation this policy is for: <see cref="InProcessIsolation"/> or <see cref="ProcessIsolation"/>.</summary>
    public string Isolation { get; }

    /// <summary>The configuration section its <c>forbidden</c>, <c>allowed</c> and <c>allow-native-calls</c> come from, for messages.</summary>
    public string ConfigSection { get; }

    /// <summary>Whether the policy checks anything; when off, <see cref="Check(IEnumerable{string})"/> always returns no violation.</summary>
    public bool Enabled { get; }

    /// <summary>Whether shipped assemblies may declare native methods (<c>DllImport</c>, <c>LibraryImport</c>, <c>extern</c>) and ship native libraries.</summary>
    public bool AllowNativeCalls { get; }

    /// <summary>The <c>forbidden</c> rules as configured, then <c>also-forbidden</c>.</summary>
    public IReadOnlyList<string> Forbidden => _forbidden.Select(r => r.Text).ToArray();

    /// <summary>The <c>allowed</c> rules as configured, then <c>also-allowed</c>.</summary>
    public IReadOnlyList<string> Allowed => _allowed.Select(r => r.Text).ToArray();

    /// <summary>For the in-process policy, the process policy of the same configuration; null for the process policy.</summary>
    public SandboxPolicy? UnderProcessIsolation { get; }

    /// <summary>
    /// The policy of the executor's isolation (<see cref="IsolationKey"/>, <c>in-process</c> unless set) read from
    /// <paramref name="config"/>, falling back to the executor's defaults.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A rule is malformed, or the isolation is neither value; the message names the key.</exception>
    public static SandboxPolicy Create(Config config) => WorkerSettings.IsolationOf(config) == CodeIsolation.Process ? ForProcess(config) : ForInProcess(config);

    /// <summary>
    /// The strict policy for code that runs in the executor's process: <c>akka-media.executor.sandbox { forbidden, allowed,
    /// allow-native-calls }</c> plus <c>also-forbidden</c> and <c>also-allowed</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A rule is malformed; the message quotes it and names the key.</exception>
    public static SandboxPolicy ForInProcess(Config config)
    {
        var section = ExecutorSettings.WithDefaults(config).GetConfig(Section);
        return new SandboxPolicy(
            InProcessIsolation,
            Section,
            section.GetBoolean("enabled"),
            section.GetBoolean("allow-native-calls"),
            Parse(section.GetStringList("forbidden"), Section + ".forbidden").AddRange(Parse(section.GetStringList("also-forbidden"), Section + ".also-forbidden")),
            Parse(section.GetStringList("allowed"), Section + ".allowed").AddRange(Parse(section.GetStringList("also-allowed"), Section + ".also-allowed")),
            ForProcess(config));
    }

    /// <summary>
    /// The policy for code that runs in a sandboxed worker process: <c>akka-media.executor.sandbox.process { forbidden,
    /// allowed, allow-native-calls }</c> plus <c>sandbox.also-forbidden</c> and <c>sandbox.also-allowed</c>; <c>sandbox.enabled</c>
    /// turns it off as well.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A rule is malformed; the message quotes it and names the key.</exception>
    public static SandboxPolicy ForProcess(Config config)
    {
        var section = ExecutorSettings.WithDefaults(config).GetConfig(Section);
        var process = section.GetConfig("process");
        return new SandboxPolicy(
            ProcessIsolation,
            ProcessSection,
            section.GetBoolean("enabled"),
            process.GetBoolean("allow-native-calls"),
            Parse(process.GetStringList("forbidden"), ProcessSection + ".forbidden").AddRange(Parse(section.GetStringList("also-forbidden"), Section + ".also-forbidden")),
            Parse(process.GetStringList("allowed"), ProcessSection + ".allowed").AddRange(Parse(section.GetStringList("also-allowed"), Section + ".also-allowed")),
            null);
    }

    /// <summary>
    /// Reads the metadata of each assembly in <paramref name="assemblyPaths"/> (nothing is loaded) and returns every
    /// forbidden reference, each once per assembly, in file order. Empty means the code may load.
    /// </summary>
    /// <exception cref="BadImageFormatException">A file is not a .NET assembly: it cannot be checked, so it must not load.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public IReadOnlyList<SandboxViolation> Check(IEnumerable<string> assemblyPaths) => Check(assemblyPaths, []);

    /// <summary>
    /// <see cref="Check(IEnumerable{string})"/> for a package that also ships native libraries: each of
    /// <paramref name="nativeLibraries"/> (file name and path) is refused when <see cref="AllowNativeCalls"/> is off, and
    /// one that holds .NET metadata after all is checked as an assembly. Refused native libraries come first, then the
    /// assemblies' violations in file order. For the in-process policy, each violation says
    /// whether the process policy would allow it.
    /// </summary>
    /// <exception cref="BadImageFormatException">An assembly file is not a .NET assembly: it cannot be checked, so it must not load.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public IReadOnlyList<SandboxViolation> Check(IEnumerable<string> assemblyPaths, IEnumerable<(string Name, string Path)> nativeLibraries)
    {
        ArgumentNullException.ThrowIfNull(assemblyPaths);
        ArgumentNullException.ThrowIfNull(nativeLibraries);
        if (!Enabled)
        {
            return [];
        }

        var assemblies = assemblyPaths.ToList();
        var natives = new List<(string Name, string Path)>();
        foreach (var native in nativeLibraries)
        {
            if (HasMetadata(native.Path))
            {
                assemblies.Add(native.Path);
            }
            else
            {
                natives.Add(native);
            }
        }

        // Native libraries first: one line for a library says more than the hundreds of native methods that call it.
        var violations = AllowNativeCalls
            ? []
            : natives.Select(n => new SandboxViolation(n.Name, NativeLibraryType, n.Name, NativeRule, ConfigSection)).ToList();
        foreach (var path in assemblies)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw new BadImageFormatException($"{path} is not a .NET assembly, so the sandbox cannot check it.", path);
            }

            var reader = pe.GetMetadataReader();
            var assembly = reader.IsAssembly ? reader.GetString(reader.GetAssemblyDefinition().Name) : Path.GetFileNameWithoutExtension(path);
            violations.AddRange(CheckAssembly(reader, assembly).Distinct());
        }

        if (violations.Count == 0 || UnderProcessIsolation is null)
        {
            return violations;
        }

        var stillRefused = UnderProcessIsolation.Check(assemblies, natives)
            .Select(static v => (v.Assembly, v.Type, v.Member))
            .ToHashSet();
        return violations.Select(v => v with { AllowedUnderProcessIsolation = !stillRefused.Contains((v.Assembly, v.Type, v.Member)) }).ToArray();
    }

    /// <summary>Whether the file at <paramref name="path"/> is a PE image with .NET metadata.</summary>
    private static bool HasMetadata(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            using var pe = new PEReader(stream);
            return pe.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private IEnumerable<SandboxViolation> CheckAssembly(MetadataReader reader, string assembly)
    {
        var names = new TypeNames(reader);
        var typesWithMembers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.MemberReferences)
        {
            var reference = reader.GetMemberReference(handle);
            var type = names.OfParent(reference.Parent);
            if (type is null)
            {
                continue;
            }

            typesWithMembers.Add(type);
            var name = reader.GetString(reference.Name);
            IReadOnlyList<string> parameters = reference.GetKind() == MemberReferenceKind.Method
                ? reference.DecodeMethodSignature(names, null).ParameterTypes
                : [];
            var rule = Forbids(type, name, parameters);
            if (rule is not null && !_allowed.Any(a => a.Matches(type, name, parameters)))
            {
                yield return new SandboxViolation(assembly, type, reference.GetKind() == MemberReferenceKind.Method ? $"{name}({string.Join(", ", parameters)})" : name, rule.Text, ConfigSection);
            }
        }

        // A forbidden type named without any of its members referenced (a field, a local, typeof): the use of the type.
        foreach (var handle in reader.TypeReferences)
        {
            var type = names.Of(handle);
            if (typesWithMembers.Contains(type))
            {
                continue;
            }

            var rule = Forbids(type, member: null, parameters: null);
            if (rule is not null && !_allowed.Any(a => a.MentionsType(type)))
            {
                yield return new SandboxViolation(assembly, type, "(type)", rule.Text, ConfigSection);
            }
        }

        if (AllowNativeCalls)
        {
            yield break;
        }

        foreach (var handle in reader.MethodDefinitions)
        {
            var method = reader.GetMethodDefinition(handle);
            var native = (method.Attributes & MethodAttributes.PinvokeImpl) != 0;
            var internalCall = (method.ImplAttributes & MethodImplAttributes.InternalCall) != 0;
            if (!native && !internalCall)
            {
                continue;
            }

            var import = method.GetImport();
            var library = native && !import.Module.IsNil ? reader.GetString(reader.GetModuleReference(import.Module).Name) : "the runtime";
            yield return new SandboxViolation(assembly, names.Of(method.GetDeclaringType()), $"{reader.GetString(method.Name)} (native method in {library})", NativeRule, ConfigSection);
        }
    }

    private Rule? Forbids(string type, string? member, IReadOnlyList<string>? parameters) =>
        member is null
            ? _forbidden.FirstOrDefault(r => r.MatchesType(type))
            : _forbidden.FirstOrDefault(r => r.Matches(type, member, parameters!));

    private static ImmutableArray<Rule> Parse(IList<string> texts, string key) =>
        [.. texts.Select(t => Rule.Parse(t, key))];

    /// <summary>One parsed rule; see the class remarks for the grammar.</summary>
    private sealed class Rule
    {
        private readonly string? _namespace;
        private readonly string? _type;
        private readonly string? _member;
        private readonly bool _memberPrefix;
        private readonly string[]? _parameters;
        private readonly bool _moreParameters;

        private Rule(string text, string? ns, string? type, string? member, bool memberPrefix, string[]? parameters, bool moreParameters)
        {
            Text = text;
            _namespace = ns;
            _type = type;
            _member = member;
            _memberPrefix = memberPrefix;
            _parameters = parameters;
            _moreParameters = moreParameters;
        }

        public string Text { get; }

        public static Rule Parse(string text, string key)
        {
            var trimmed = text?.Trim() ?? string.Empty;
            ArgumentOutOfRangeException Bad(string why) =>
                new(key, text, $"Sandbox rule \"{text}\" in {key} {why}. Write Namespace.*, Namespace.Type, Namespace.Type::Member or Namespace.Type::Member(Param.Type, ...).");

            if (trimmed.Length == 0)
            {
                throw Bad("is empty");
            }

            if (trimmed.EndsWith(".*", StringComparison.Ordinal))
            {
                var ns = trimmed[..^2];
                return ValidTypeName(ns) ? new Rule(trimmed, ns, null, null, false, null, false) : throw Bad("has an invalid namespace");
            }

            var separator = trimmed.IndexOf("::", StringComparison.Ordinal);
            if (separator < 0)
            {
                return ValidTypeName(trimmed) ? new Rule(trimmed, null, trimmed, null, false, null, false) : throw Bad("has an invalid type name");
            }

            var type = trimmed[..separator];
            var member = trimmed[(separator + 2)..];
            string[]? parameters = null;
            var more = false;
            var open = member.IndexOf('(', StringComparison.Ordinal);
            if (open >= 0)
            {
                if (!member.EndsWith(')'))
                {
                    throw Bad("has an unclosed parameter list");
                }

                parameters = member[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                member = member[..open].Trim();
                if (parameters.Length > 0 && parameters[^1] == "...")
                {
                    more = true;
                    parameters = parameters[..^1];
                }
            }

            var prefix = member.EndsWith('*');
            member = prefix ? member[..^1] : member;
            if (!ValidTypeName(type) || (member.Length == 0 && !prefix) || member.Contains(' ', StringComparison.Ordinal) || parameters?.Contains("...") == true)
            {
                throw Bad("is malformed");
            }

            return new Rule(trimmed, null, type, member, prefix, parameters, more);
        }

        /// <summary>Whether a type or namespace rule covers <paramref name="type"/> (member rules never do).</summary>
        public bool MatchesType(string type)
        {
            if (_member is not null)
            {
                return false;
            }

            if (_namespace is not null)
            {
                var ns = NamespaceOf(type);
                return ns == _namespace || ns.StartsWith(_namespace + ".", StringComparison.Ordinal);
            }

            return type == _type || type.StartsWith(_type + "+", StringComparison.Ordinal);
        }

        /// <summary>Whether the rule covers member <paramref name="member"/> of <paramref name="type"/> with these parameter types.</summary>
        public bool Matches(string type, string member, IReadOnlyList<string> parameters)
        {
            if (_member is null)
            {
                return MatchesType(type);
            }

            if (type != _type || !MemberNameMatches(member))
            {
                return false;
            }

            if (_parameters is null)
            {
                return true;
            }

            return (_moreParameters ? parameters.Count >= _parameters.Length : parameters.Count == _parameters.Length)
                && _parameters.Select((p, i) => p == parameters[i]).All(same => same);
        }

        /// <summary>Whether this rule names <paramref name="type"/> (as a type, or a member of it).</summary>
        public bool MentionsType(string type) => _type is not null && (type == _type || type.StartsWith(_type + "+", StringComparison.Ordinal));

        private bool MemberNameMatches(string member)
        {
            foreach (var accessor in Accessors)
            {
                if (member.StartsWith(accessor, StringComparison.Ordinal) && NameMatches(member[accessor.Length..]))
                {
                    return true;
                }
            }

            return NameMatches(member);
        }

        private bool NameMatches(string name) => _memberPrefix ? name.StartsWith(_member!, StringComparison.Ordinal) : name == _member;

        private static readonly string[] Accessors = ["get_", "set_", "add_", "remove_"];

        private static string NamespaceOf(string type)
        {
            var outer = type.Split('+')[0];
            var dot = outer.LastIndexOf('.');
            return dot < 0 ? string.Empty : outer[..dot];
        }

        private static bool ValidTypeName(string name) =>
            name.Length > 0 && !name.StartsWith('.') && !name.EndsWith('.') && name.All(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '`' or '+');
    }

    /// <summary>Full type names from metadata handles and signatures: <c>Namespace.Outer+Inner</c>, generic arguments dropped from parents.</summary>
    private sealed class TypeNames(MetadataReader reader) : ISignatureTypeProvider<string, object?>
    {
        public string Of(TypeReferenceHandle handle)
        {
            var type = reader.GetTypeReference(handle);
            var name = reader.GetString(type.Name);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                return Of((TypeReferenceHandle)type.ResolutionScope) + "+" + name;
            }

            return type.Namespace.IsNil ? name : reader.GetString(type.Namespace) + "." + name;
        }

        public string Of(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            var name = reader.GetString(type.Name);
            var declaring = type.GetDeclaringType();
            if (!declaring.IsNil)
            {
                return Of(declaring) + "+" + name;
            }

            return type.Namespace.IsNil ? name : reader.GetString(type.Namespace) + "." + name;
        }

        /// <summary>The type a member reference belongs to, or null when it is not a type outside this assembly.</summary>
        public string? OfParent(EntityHandle parent) => parent.Kind switch
        {
            HandleKind.TypeReference => Of((TypeReferenceHandle)parent),
            HandleKind.TypeSpecification => StripArguments(reader.GetTypeSpecification((TypeSpecificationHandle)parent).DecodeSignature(this, null)),
            _ => null,
        };

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode switch
        {
            PrimitiveTypeCode.IntPtr => "IntPtr",
            PrimitiveTypeCode.UIntPtr => "UIntPtr",
            _ => typeCode.ToString(),
        };

        public string GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => Of(handle);

        public string GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => Of(handle);

        public string GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPinnedType(string elementType) => elementType;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";

        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "method*";

        private static string StripArguments(string type)
        {
            var open = type.IndexOf('<', StringComparison.Ordinal);
            return open < 0 ? type : type[..open];
        }
    }
}
