using AkkaMedia.Deployment.Objects;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Tests.Loading;

public sealed class ObjectMethodsSpec
{
    private interface ISample
    {
        int Count();

        string Name(int index);

        string Name(string prefix, int index);

        Task SaveAsync(IReadOnlyList<string> lines);
    }

    [Fact]
    public void Methods_resolved_from_many_threads_at_once_must_each_be_the_method_their_key_names()
    {
        var methods = new ObjectMethods();
        var target = new Sample();
        var keys = typeof(ISample).GetMethods().Select(MethodKey.Of).ToArray();
        Assert.Equal(4, keys.Distinct().Count());

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var key = keys[i % keys.Length];
            var method = methods.Resolve(target, key);
            Assert.Equal((typeof(ISample), key), (method.DeclaringType, MethodKey.Of(method)));
        });
    }

    [Fact]
    public void A_key_that_no_interface_of_the_object_declares_must_fail_on_every_call()
    {
        var methods = new ObjectMethods();
        var key = MethodKey.Of(typeof(ISample).GetMethod(nameof(ISample.Count))!).Replace("Count", "Size", StringComparison.Ordinal);

        Assert.Throws<MissingMethodException>(() => methods.Resolve(new Sample(), key));
        Assert.Throws<MissingMethodException>(() => methods.Resolve(new Sample(), key));
    }

    private sealed class Sample : ISample
    {
        public int Count() => 0;

        public string Name(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public string Name(string prefix, int index) => prefix + index;

        public Task SaveAsync(IReadOnlyList<string> lines) => Task.CompletedTask;
    }
}
