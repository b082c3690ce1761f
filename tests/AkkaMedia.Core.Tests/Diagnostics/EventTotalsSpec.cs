using AkkaMedia.Diagnostics;

namespace AkkaMedia.Core.Tests.Diagnostics;

public sealed class EventTotalsSpec
{
    [Fact]
    public void EventTotals_must_keep_one_running_total_per_set_of_tag_values()
    {
        var totals = new EventTotals("kind", "outcome");
        totals.Add(1, "object", "loaded");
        totals.Add(2, "object", "loaded");
        totals.Add(1, "shipped-node", "rejected");

        var observed = totals.Observe().ToDictionary(m => string.Join(',', m.Tags.ToArray().Select(t => $"{t.Key}={t.Value}")), m => m.Value);

        Assert.Equal(2, observed.Count);
        Assert.Equal(3, observed["kind=object,outcome=loaded"]);
        Assert.Equal(1, observed["kind=shipped-node,outcome=rejected"]);
    }

    [Fact]
    public void EventTotals_without_tags_must_report_zero_before_the_first_event()
    {
        var totals = new EventTotals();

        Assert.Equal(0, Assert.Single(totals.Observe()).Value);
        totals.Add(512);
        totals.Add(100);
        Assert.Equal(612, Assert.Single(totals.Observe()).Value);
    }

    [Fact]
    public void EventTotals_must_refuse_a_wrong_number_of_tag_values()
    {
        var totals = new EventTotals("kind");

        Assert.Throws<ArgumentException>(() => totals.Add(1));
    }
}
