// The specs start real processes on two shared cores: one at a time keeps their timing honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
