using AkkaMedia.Deployment.Objects;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Tests.Objects;

public sealed class ShippableCheckSpec
{
    [Fact]
    public void Plain_data_must_pass()
    {
        var data = new Holder { Items = { ["a"] = new Leaf { Text = "x" } }, Values = [1, 2, 3], Name = "n" };

        Assert.Null(ShippableCheck.Find(data));
    }

    [Fact]
    public void A_delegate_inside_a_dictionary_value_must_be_named()
    {
        var data = new Holder { Items = { ["a"] = new Leaf(), ["b"] = new Listener() } };

        var problem = ShippableCheck.Find(data);

        Assert.NotNull(problem);
        Assert.Contains("Callback", problem);
        Assert.Contains("delegate", problem);
    }

    [Fact]
    public void A_field_declared_as_a_process_bound_type_must_be_named_even_when_null()
    {
        var problem = ShippableCheck.Find(new WithPointer());

        Assert.NotNull(problem);
        Assert.Contains("'WithPointer._handle'", problem);
        Assert.Contains("native handle", problem);
    }

    [Fact]
    public void Cycles_must_not_loop()
    {
        var first = new Node();
        first.Next = new Node { Next = first };

        Assert.Null(ShippableCheck.Find(first));
    }

    private sealed class Holder
    {
        public Dictionary<string, object> Items { get; } = [];

        public int[] Values { get; set; } = [];

        public string Name { get; set; } = string.Empty;
    }

    private sealed class Leaf
    {
        public string Text { get; set; } = string.Empty;
    }

    private sealed class Listener
    {
        public Action? Callback { get; set; }
    }

    private sealed class WithPointer
    {
#pragma warning disable CS0169, IDE0044, IDE0051 // The field exists only to be found.
        private IntPtr _handle;
#pragma warning restore CS0169, IDE0044, IDE0051
    }

    private sealed class Node
    {
        public Node? Next { get; set; }
    }
}
